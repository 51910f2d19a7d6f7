// Demo data for a first look (SEED_DEMO=true, only into a database with no cohorts yet): cohorts in
// different states, participants with each eligibility outcome, a full cohort with a waitlist.
// Everything goes through the same services the API uses, so the demo obeys every rule.
import type { DeclarationAnswers } from '@harbour/shared';
import { cohorts } from './schema/index';
import type { Db } from './client';
import type { StaffActor } from '../plugins/auth';
import { cancelCohort, createCohort, publishCohort } from '../modules/cohorts/cohorts.service';
import { recordDeclaration, ensureDeclarationVersion } from '../modules/declarations/declarations.service';
import { enrol } from '../modules/enrolments/enrolments.service';
import { createParticipant } from '../modules/participants/participants.service';
import { findUserByEmail } from '../modules/users/users.repo';

const PEOPLE: [string, string, 'partner' | 'spouse' | 'parent' | 'child' | 'sibling' | 'other_family'][] = [
  ['Amelia', 'Hughes', 'spouse'], ['Priya', 'Shah', 'partner'], ['Joanne', 'Fletcher', 'parent'],
  ['Grace', 'Okafor', 'partner'], ['Helen', 'Morris', 'spouse'], ['Sarah', 'Whitfield', 'parent'],
  ['Fatima', 'Begum', 'sibling'], ['Claire', 'Donnelly', 'spouse'], ['Rachel', 'Evans', 'partner'],
  ['Lucy', 'Barker', 'other_family'], ['Margaret', 'Price', 'parent'], ['Nadia', 'Kowalski', 'partner'],
  ['Emma', 'Clarke', 'spouse'], ['Siobhan', 'Reilly', 'sibling'], ['Hannah', 'Lewis', 'child'],
  ['Tom', 'Bradley', 'parent'], ['Aisha', 'Rahman', 'partner'], ['Karen', 'Walsh', 'spouse'],
  ['Olivia', 'Bennett', 'partner'], ['Deborah', 'Stone', 'parent'], ['Megan', 'Jones', 'spouse'],
  ['Ruth', 'Adeyemi', 'other_family'],
];

const ELIGIBLE: DeclarationAnswers = { offenceInvolvesImages: 'yes', accusedOfContactOffence: 'no', accusedOfOnlineContactWithChild: 'no', accusedOfGrooming: 'no' };
const INELIGIBLE: DeclarationAnswers = { ...ELIGIBLE, accusedOfOnlineContactWithChild: 'yes' };
const UNSURE: DeclarationAnswers = { ...ELIGIBLE, accusedOfGrooming: 'unsure' };

/** An instant `days` from today at `hour`:00 Europe/London (right across the clock changes). */
export function londonAt(days: number, hour: number, now = new Date()): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, hour));
  const londonHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' }).format(day));
  return new Date(day.getTime() - (londonHour - hour) * 3600_000).toISOString();
}

export async function seedDemo(db: Db, courseId: string, adminEmail: string): Promise<boolean> {
  if ((await db.$count(cohorts)) > 0) return false;
  const admin = await findUserByEmail(db, adminEmail);
  if (!admin) return false;
  const actor: StaffActor = { kind: 'staff', id: admin.id, email: admin.email, name: admin.name, roles: admin.roles };
  const version = await ensureDeclarationVersion(db, courseId);

  const people = [];
  for (const [i, [firstName, lastName, relationship]] of PEOPLE.entries()) {
    const p = await createParticipant(db, actor, {
      firstName,
      lastName,
      relationship,
      email: `${firstName}.${lastName}@example.org`.toLowerCase(),
      phone: i % 3 === 0 ? `07700 900${String(100 + i).slice(-3)}` : undefined,
      preferredContact: i % 3 === 0 ? 'phone' : 'email',
    });
    // 17 eligible, 2 ineligible, 2 needing review, 1 who has not declared yet.
    const answers = i < 17 ? ELIGIBLE : i < 19 ? INELIGIBLE : i < 21 ? UNSURE : null;
    if (answers) {
      await recordDeclaration(db, actor, p.id, { declarationVersionId: version.id, channel: i % 2 ? 'staff' : 'self', answers });
    }
    people.push(p);
  }

  const schedule = (firstDay: number) => [0, 7, 14].map((d) => ({ startsAt: londonAt(firstDay + d, 18) }));
  const open = async (body: Parameters<typeof createCohort>[1]) => {
    const c = await createCohort(db, body);
    return publishCohort(db, actor, c.id, undefined);
  };

  // Full, confirmed, with two people waiting.
  const full = await open({ courseId, title: 'Evening cohort (online)', deliveryMode: 'online', joiningLink: 'https://meet.example.org/harbour-evening', sessions: schedule(21) });
  for (const p of people.slice(0, 14)) await enrol(db, actor, full.id, p.id);
  // Open, below the minimum close to its start: flagged at risk.
  const atRisk = await open({ courseId, title: 'Daytime cohort (in person)', deliveryMode: 'in_person', venue: 'Meeting room 2, 14 Example Street, Leeds', sessions: schedule(9) });
  for (const p of people.slice(14, 17)) await enrol(db, actor, atRisk.id, p.id);
  // Open with room, a draft being planned, and a cancelled one.
  await open({ courseId, title: 'Spring cohort (online)', deliveryMode: 'online', joiningLink: 'https://meet.example.org/harbour-spring', sessions: schedule(60) });
  await createCohort(db, { courseId, title: 'Summer cohort (in person, draft)', deliveryMode: 'in_person', venue: 'Community centre, Bristol', sessions: schedule(120) });
  const cancelled = await open({ courseId, title: 'Weekend cohort (cancelled)', deliveryMode: 'online', joiningLink: 'https://meet.example.org/harbour-weekend', sessions: schedule(40) });
  await cancelCohort(db, actor, cancelled.id, { reason: 'Facilitator unavailable; delegates offered other dates.' }, undefined);
  return true;
}
