import { useEffect, useState } from 'react';
import { Button, type ButtonProps } from './button';

export interface CopyButtonProps extends Omit<ButtonProps, 'onPress' | 'children'> {
  /** What goes on the clipboard. */
  text: string;
  /** The button's words, e.g. "Copy the key". */
  label?: string;
}

/** Copies text and says so (politely announced); falls back to asking the person to select it. */
export function CopyButton({ text, label = 'Copy', variant = 'secondary', ...props }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <span className="copy-button">
      <Button
        {...props}
        variant={variant}
        onPress={() => {
          if (!navigator.clipboard) {
            setState('failed');
            return;
          }
          navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
      >
        {label}
      </Button>
      <span className="copy-button__status" role="status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it yourself' : ''}
      </span>
    </span>
  );
}
