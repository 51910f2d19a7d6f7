// Signed-in users' account state (roles, disabled, session generation, MFA), kept between requests
// instead of read on every one. Correctness rests on the database, not on a timer: a trigger announces
// every change to a user row when it commits (migration 0011), whichever instance or tool made it, and
// this process forgets that user as soon as it hears it. While the announcements cannot be heard (the
// listening connection dropped), nothing is kept. `ttlMs` only bounds how long an entry lives.
import type { Database } from '../db/client';
import type { SessionUser } from '../modules/users/users.repo';

export const USER_CHANGED_CHANNEL = 'harbour_user_changed';

const MAX_ENTRIES = 10_000;

export interface UserCache {
  get(id: string): Promise<SessionUser | undefined>;
  /** Forgets everyone (after a change made by this process, which must apply to its very next request). */
  forgetAll(): void;
  close(): Promise<void>;
}

export async function createUserCache(opts: {
  database: Database;
  ttlMs: number;
  load: (id: string) => Promise<SessionUser | undefined>;
}): Promise<UserCache> {
  const { ttlMs, load } = opts;
  if (ttlMs <= 0) return { get: load, forgetAll: () => {}, close: async () => {} };

  const entries = new Map<string, { user: SessionUser; until: number }>();
  // Moves on with every change heard: a read that overlapped one is answered but not kept.
  let epoch = 0;
  let listening = false;
  const forgetAll = () => {
    epoch += 1;
    entries.clear();
  };
  const stop = await opts.database.listen(
    USER_CHANGED_CHANNEL,
    (id) => {
      epoch += 1;
      entries.delete(id);
    },
    (heard) => {
      // Changes may have been missed while not listening: start again from nothing either way.
      forgetAll();
      listening = heard;
    },
  );

  return {
    async get(id) {
      if (!listening) return load(id);
      const hit = entries.get(id);
      if (hit && hit.until > Date.now()) return hit.user;
      const startedIn = epoch;
      const user = await load(id);
      if (user && startedIn === epoch && listening) {
        if (entries.size >= MAX_ENTRIES) entries.clear();
        entries.set(id, { user, until: Date.now() + ttlMs });
      }
      return user;
    },
    forgetAll,
    close: stop,
  };
}
