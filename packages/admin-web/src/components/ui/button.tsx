import type { ReactNode } from 'react';
import { Button as AriaButton, type ButtonProps as AriaButtonProps } from 'react-aria-components/Button';

export interface ButtonProps extends Omit<AriaButtonProps, 'className' | 'children' | 'isPending'> {
  variant?: 'primary' | 'secondary' | 'link';
  children: ReactNode;
  /** While true the button keeps its focus but ignores presses, and says what it is doing. */
  isPending?: boolean;
  /** Shown and announced while pending, e.g. "Signing in…". */
  pendingLabel?: string;
}

/**
 * A button. Its pending state is done here rather than with react-aria's `isPending`: that one
 * announces through a page-wide live region that points at the button by id, which dangles
 * (an unnamed role="img") when the button's page goes away, as sign-in and sign-out do.
 */
export function Button({ variant = 'primary', children, pendingLabel, isPending = false, onPress, ...props }: ButtonProps) {
  return (
    <>
      <AriaButton
        {...props}
        onPress={isPending ? undefined : onPress}
        aria-disabled={isPending || undefined}
        className={`button button--${variant}${isPending ? ' button--pending' : ''}`}
      >
        {isPending ? (
          <>
            <span className="button__spinner" aria-hidden="true" />
            {pendingLabel ?? children}
          </>
        ) : (
          children
        )}
      </AriaButton>
      {pendingLabel ? (
        <span className="visually-hidden" role="status">
          {isPending ? pendingLabel : ''}
        </span>
      ) : null}
    </>
  );
}
