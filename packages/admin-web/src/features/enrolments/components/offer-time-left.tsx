import { formatLondon } from '@harbour/shared';
import { describeTimeLeft } from '../../cohorts/london-time';

/** "Expires in 1 day 3 hours (Friday 15 January 2027, 18:00)". */
export function OfferTimeLeft({ expiresAt, now }: { expiresAt: string | null; now: Date }) {
  if (!expiresAt) return <span>Offer open</span>;
  const left = describeTimeLeft(expiresAt, now);
  return (
    <span className="offer-time">
      {left ? <strong>Expires in {left}</strong> : <strong>Expired</strong>}
      <span className="muted"> ({formatLondon(expiresAt)})</span>
    </span>
  );
}
