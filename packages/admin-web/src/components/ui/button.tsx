import type { ReactNode } from 'react';
import { Button as AriaButton, type ButtonProps as AriaButtonProps } from 'react-aria-components/Button';

export interface ButtonProps extends Omit<AriaButtonProps, 'className' | 'children'> {
  variant?: 'primary' | 'secondary' | 'link';
  children: ReactNode;
  /** Shown instead of the children while isPending, e.g. "Signing in…". */
  pendingLabel?: string;
}

/**
 * A button. While pending it stays focusable (so focus is not lost) but ignores presses and says
 * what it is doing; react-aria announces the change to screen readers.
 */
export function Button({ variant = 'primary', children, pendingLabel, isPending, ...props }: ButtonProps) {
  return (
    <AriaButton {...props} isPending={isPending} className={`button button--${variant}`}>
      {isPending && pendingLabel ? (
        <>
          <span className="button__spinner" aria-hidden="true" />
          {pendingLabel}
        </>
      ) : (
        children
      )}
    </AriaButton>
  );
}
