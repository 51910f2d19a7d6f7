import { randomBytes } from 'node:crypto';
import { DEFAULT_COURSE_RULES } from '@harbour/shared';
import type { Config } from '../config';
import { hashPassword } from '../lib/passwords';
import { countCourses, insertCourse, listCourses } from '../modules/courses/courses.repo';
import { ensureDeclarationVersion } from '../modules/declarations/declarations.service';
import { countUsers, insertUser } from '../modules/users/users.repo';
import type { Db } from './client';

export const DEFAULT_COURSE_NAME = 'Course for Family Members and Partners';
export const DEFAULT_COURSE_DESCRIPTION =
  'Three sessions of three hours for partners and family members of people accused or convicted of internet offences ' +
  '(images or videos). 8 to 12 participants, a manual to keep, time for discussion.';

export interface SeedResult {
  /** The default course (created on an empty database, else the oldest course). */
  courseId?: string;
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
    const [first] = await listCourses(tx, { limit: 1 });
    result.courseId = first?.id;
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
  // Every course needs its current declaration wording before anyone can declare.
  if (result.courseId) await ensureDeclarationVersion(db, result.courseId);
  return result;
}
