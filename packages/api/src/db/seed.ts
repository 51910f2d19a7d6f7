import { randomBytes } from 'node:crypto';
import { DEFAULT_COURSE_RULES } from '@harbour/shared';
import type { Config } from '../config';
import { hashPassword } from '../lib/passwords';
import { countCourses, insertCourse } from '../modules/courses/courses.repo';
import { countUsers, insertUser } from '../modules/users/users.repo';
import type { Db } from './client';

export const DEFAULT_COURSE_NAME = 'Course for Family Members and Partners';
export const DEFAULT_COURSE_DESCRIPTION =
  'Three sessions of three hours for partners and family members of people accused or convicted of internet offences ' +
  '(images or videos). 8 to 12 participants, a manual to keep, time for discussion.';

export interface SeedResult {
  /** Set when this start created the first admin. The password is only returned when it was generated. */
  admin?: { email: string; generatedPassword?: string };
}

/** An empty database gets the default course and the first admin. Safe to run on every start. */
export async function seedBase(db: Db, config: Config): Promise<SeedResult> {
  const result: SeedResult = {};
  await db.transaction(async (tx) => {
    if ((await countCourses(tx)) === 0) {
      await insertCourse(tx, { name: DEFAULT_COURSE_NAME, description: DEFAULT_COURSE_DESCRIPTION, ...DEFAULT_COURSE_RULES });
    }
    if ((await countUsers(tx)) === 0) {
      const email = config.ADMIN_EMAIL ?? 'admin@example.org';
      const generatedPassword = config.ADMIN_PASSWORD ? undefined : randomBytes(18).toString('base64url');
      await insertUser(tx, {
        email,
        name: 'Administrator',
        roles: ['admin'],
        passwordHash: await hashPassword(config.ADMIN_PASSWORD ?? generatedPassword!),
      });
      result.admin = { email, generatedPassword };
    }
  });
  return result;
}
