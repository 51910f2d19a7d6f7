import { create } from 'qrcode';
import { useMemo } from 'react';

/**
 * A QR code drawn as SVG from the qrcode package's module matrix (no canvas, no data: URL, no
 * inline style: the server's CSP allows none of them). Hidden from screen readers: the same
 * secret is on the page as text.
 */
export function QrCode({ text, size = 200 }: { text: string; size?: number }) {
  const path = useMemo(() => {
    const { modules } = create(text, { errorCorrectionLevel: 'M' });
    const parts: string[] = [];
    for (let row = 0; row < modules.size; row += 1) {
      for (let col = 0; col < modules.size; col += 1) {
        if (modules.get(row, col)) parts.push(`M${col + 4} ${row + 4}h1v1h-1z`);
      }
    }
    return { d: parts.join(''), count: modules.size + 8 };
  }, [text]);

  return (
    <svg
      className="qr-code"
      width={size}
      height={size}
      viewBox={`0 0 ${path.count} ${path.count}`}
      shapeRendering="crispEdges"
      aria-hidden="true"
      focusable="false"
    >
      <rect width={path.count} height={path.count} fill="#ffffff" />
      <path d={path.d} fill="#000000" />
    </svg>
  );
}
