// Scheduled job: one reminder per confirmed person per session, in the 48 hours before it starts.
// "Exactly once" is the session_reminders primary key: the row and the outbox e-mail are written in one
// transaction, and a second run (or a second instance running at the same time) inserts nothing.
import type { Db } from '../../db/client';
import { enqueue } from '../outbox/outbox.service';
import { insertReminders, listSessionsStartingBetween, listUnremindedConfirmed } from './notifications.repo';

/** How long before a session its reminder goes out. */
export const REMINDER_LEAD_MS = 48 * 3_600_000;

/** Reminds everyone confirmed for each session that starts after `now` and within 48 h. Answers how many reminders. */
export async function sendSessionReminders(db: Db, now: Date): Promise<number> {
  let sent = 0;
  for (const { session, cohort, sessionCount } of await listSessionsStartingBetween(db, now, new Date(now.getTime() + REMINDER_LEAD_MS))) {
    sent += await db.transaction(async (tx) => {
      const people = await listUnremindedConfirmed(tx, cohort.id, session.id);
      const recorded = new Set(await insertReminders(tx, session.id, people.map((p) => p.enrolmentId), now));
      const due = people.filter((p) => recorded.has(p.enrolmentId));
      for (const p of due) {
        await enqueue(
          tx,
          {
            kind: 'email',
            to: p.email,
            participantId: p.participantId,
            template: 'session_reminder',
            data: {
              firstName: p.firstName,
              sessionNumber: session.position,
              sessionCount,
              startsAt: session.startsAt,
              endsAt: session.endsAt,
              deliveryMode: cohort.deliveryMode,
              venue: cohort.venue,
              joiningLink: cohort.joiningLink,
            },
          },
          now,
        );
      }
      return due.length;
    });
  }
  return sent;
}
