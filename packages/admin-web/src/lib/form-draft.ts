// Half-filled forms survive the session ending: what has been typed is kept in this tab's
// sessionStorage (gone when the tab closes) and restored after signing in again, for the same
// person only. A deliberate sign-out clears every draft. Callers decide what goes in a draft:
// declaration answers never do (too sensitive to keep in the browser).
import { useCallback, useEffect, useState } from 'react';
import { getSession, onSessionEnded } from './session';

const PREFIX = 'harbour:draft:';

interface StoredDraft<T> {
  userId: string;
  value: T;
}

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

function currentUserId(): string | null {
  const session = getSession();
  return session.status === 'signed-in' ? session.user.id : null;
}

export function clearAllDrafts(): void {
  const store = storage();
  if (!store) return;
  for (const key of Object.keys(store)) if (key.startsWith(PREFIX)) store.removeItem(key);
}

onSessionEnded((reason) => {
  if (reason === 'signed-out') clearAllDrafts();
});

export function readDraft<T>(key: string): T | null {
  const userId = currentUserId();
  const raw = storage()?.getItem(PREFIX + key);
  if (!raw || !userId) return null;
  try {
    const stored = JSON.parse(raw) as StoredDraft<T>;
    return stored.userId === userId ? stored.value : null;
  } catch {
    return null;
  }
}

export function writeDraft<T>(key: string, value: T): void {
  const userId = currentUserId();
  if (!userId) return;
  try {
    storage()?.setItem(PREFIX + key, JSON.stringify({ userId, value } satisfies StoredDraft<T>));
  } catch {
    // Storage full or blocked: the form still works, only the safety net is missing.
  }
}

export function removeDraft(key: string): void {
  storage()?.removeItem(PREFIX + key);
}

/**
 * Form state that is also written to the tab's draft store while the person types. Returns the
 * value, a setter, whether it was restored from a draft, and `discard` (after saving).
 */
export function useFormDraft<T extends object>(key: string, initial: T) {
  const [restored] = useState(() => readDraft<T>(key));
  const [value, setValue] = useState<T>(() => (restored ? { ...initial, ...restored } : initial));
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (dirty) writeDraft(key, value);
  }, [dirty, key, value]);

  const update = useCallback((next: T | ((previous: T) => T)) => {
    setDirty(true);
    setValue(next);
  }, []);

  const discard = useCallback(() => {
    setDirty(false);
    removeDraft(key);
  }, [key]);

  return { value, setValue: update, wasRestored: restored !== null, discard };
}
