import { Button } from './button';
import { Notice } from './notice';

export interface LoadErrorProps {
  /** What could not be loaded, e.g. "The course could not be loaded". */
  title: string;
  /** Why, in words (errorText of the query's error). */
  message: string;
  onRetry: () => void;
  isRetrying?: boolean;
}

/** A page's data could not be loaded: what, why, and a way to try again. */
export function LoadError({ title, message, onRetry, isRetrying = false }: LoadErrorProps) {
  return (
    <Notice tone="error" title={title}>
      <p>{message}</p>
      <Button variant="secondary" onPress={onRetry} isPending={isRetrying}>
        Try again
      </Button>
    </Notice>
  );
}
