import { useEffect, useMemo, useRef } from 'react';
import { Button } from '../../../components/ui/button';
import { CopyButton } from '../../../components/ui/copy-button';
import { Notice } from '../../../components/ui/notice';

export interface RecoveryCodesProps {
  codes: string[];
  onContinue: () => void;
}

/** Shown once, right after two-step verification is switched on. */
export function RecoveryCodesPanel({ codes, onContinue }: RecoveryCodesProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const text = useMemo(
    () => `Harbour recovery codes\nEach code works once, instead of a code from your app.\n\n${codes.join('\n')}\n`,
    [codes],
  );

  useEffect(() => headingRef.current?.focus(), []);

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'harbour-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="recovery-codes">
      <h3 ref={headingRef} tabIndex={-1}>
        Two-step verification is on: save your recovery codes
      </h3>
      <Notice tone="warning" title="These codes are shown only once">
        <p>
          If you lose your phone, each of these codes lets you sign in once instead of a code from your app. Keep them
          somewhere safe, such as a password manager, and not on your phone.
        </p>
      </Notice>
      <ul className="recovery-codes__list" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="form__actions">
        <CopyButton text={codes.join('\n')} label="Copy the codes" />
        <Button variant="secondary" onPress={download}>
          Download as a file
        </Button>
      </div>
      <div className="form__actions">
        <Button onPress={onContinue}>I have saved them: continue</Button>
      </div>
    </div>
  );
}
