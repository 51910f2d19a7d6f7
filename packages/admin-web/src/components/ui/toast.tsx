// Short messages about what just happened ("Cohort published"), read out by screen readers
// through one polite live region that is always on the page, and gone after a while.
import { useSyncExternalStore } from 'react';
import { Button } from './button';

export type ToastTone = 'success' | 'info' | 'error';

interface ToastMessage {
  id: number;
  message: string;
  tone: ToastTone;
}

const TOAST_MS = 8_000;
let toasts: ToastMessage[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

/** Shows a message for a few seconds; the newest is last. */
export function showToast(message: string, tone: ToastTone = 'success'): void {
  const id = nextId++;
  toasts = [...toasts.slice(-2), { id, message, tone }];
  emit();
  setTimeout(() => dismissToast(id), TOAST_MS);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const getToasts = () => toasts;

/** Rendered once, in the signed-in layout. */
export function Toasts() {
  const list = useSyncExternalStore(subscribe, getToasts, getToasts);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.tone}`}>
          <span className="toast__message">{toast.message}</span>
          <Button variant="link" onPress={() => dismissToast(toast.id)}>
            Dismiss
          </Button>
        </div>
      ))}
    </div>
  );
}
