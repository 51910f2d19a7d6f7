import { useCallback, useEffect, useRef, useState } from 'react';
import { noErrors, type FormErrors } from './form-errors';

/**
 * A form's errors, and the ref for its error summary, which takes focus after each failed attempt
 * (so that keyboard and screen-reader users hear what went wrong first).
 */
export function useFormErrors() {
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (attempt > 0) summaryRef.current?.focus();
  }, [attempt]);
  const fail = useCallback((next: FormErrors) => {
    setErrors(next);
    setAttempt((n) => n + 1);
  }, []);
  return { errors, setErrors, fail, summaryRef };
}
