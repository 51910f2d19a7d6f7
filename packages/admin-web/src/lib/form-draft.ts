// Half-filled forms survive the session expiring: what has been typed is written to this tab's
// sessionStorage (gone when the tab closes) when the session expires, and put back (and removed from
// storage) after signing in again, for the same person only. Nothing is kept while typing, and a form
// closed any other way leaves nothing. A deliberate sign-out clears every draft. Callers decide what
// goes in a draft: declaration answers never do (too sensitive to keep in the browser).
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

export function removeDraft(key: string): void {
  storage()?.removeItem(PREFIX + key);
}

/** The drafts of the forms open now: kept in memory, written to storage only if the session expires. */
const open = new Map<string, StoredDraft<unknown>>();

onSessionEnded((reason) => {
  if (reason !== 'expired') return;
  for (const [key, draft] of open) {
    try {
      storage()?.setItem(PREFIX + key, JSON.stringify(draft));
    } catch {
      // Storage full or blocked: the form still works, only the safety net is missing.
    }
  }
});

/**
 * Form state that survives the session expiring: what has been typed stays in memory while the form
 * is open, goes to the tab's storage only when the session expires (to be put back after signing in
 * again), and leaves storage as soon as it is put back. A form closed any other way leaves nothing
 * behind. Returns the value, a setter, whether it was restored from a draft, and `discard` (after saving).
 */
export function useFormDraft<T extends object>(key: string, initial: T) {
  const [restored] = useState(() => {
    const draft = readDraft<T>(key);
    removeDraft(key);
    return draft;
  });
  const [value, setValue] = useState<T>(() => (restored ? { ...initial, ...restored } : initial));
  const [dirty, setDirty] = useState(restored !== null);

  useEffect(() => {
    const userId = currentUserId();
    if (!dirty || !userId) return;
    open.set(key, { userId, value });
    return () => {
      open.delete(key);
    };
  }, [dirty, key, value]);

  const update = useCallback((next: T | ((previous: T) => T)) => {
    setDirty(true);
    setValue(next);
  }, []);

  const discard = useCallback(() => {
    setDirty(false);
    open.delete(key);
    removeDraft(key);
  }, [key]);

  return { value, setValue: update, wasRestored: restored !== null, discard };
}
