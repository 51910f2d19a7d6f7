import { timestamp } from 'drizzle-orm/pg-core';

/** Every instant is a timestamptz, read as a JS Date (UTC). */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
