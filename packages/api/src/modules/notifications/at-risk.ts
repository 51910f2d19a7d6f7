// Scheduled job: coordinators are told, once per cohort, that a cohort is at risk (DOMAIN: viability).
// "At risk" is the cohorts module's one definition (cohorts.repo atRiskSql), re-checked under the
// cohort's row lock; the alert and the mark that it was sent commit together.
import type { Db } from '../../db/client';
import { consoleLink } from '../../lib/console-link';
import { findCohortWithRisk } from '../cohorts/cohorts.repo';
import { countConfirmed, lockCohortById } from '../enrolments/enrolments.repo';
import { enqueue } from '../outbox/outbox.service';
import { listActiveStaffWithRole } from '../users/users.repo';
import { listAtRiskCohortIdsNotAlerted, markAtRiskAlerted } from './notifications.repo';

export interface AtRiskOptions {
  /** PUBLIC_URL: when known, the e-mail links to the cohort in the console. */
  publicUrl?: string;
}

/**
 * E-mails `cohort_at_risk` to every active coordinator for each cohort at risk at `now` that has not
 * been alerted yet, and marks it alerted (once per cohort: a cohort that recovers and falls back is
 * not alerted again). With no active coordinator nothing is marked, so the alert goes out once there
 * is one. Answers how many cohorts were alerted.
 */
export async function alertAtRiskCohorts(db: Db, now: Date, opts: AtRiskOptions = {}): Promise<number> {
  let alerted = 0;
  for (const cohortId of await listAtRiskCohortIdsNotAlerted(db, now)) {
    const done = await db.transaction(async (tx) => {
      const cohort = await lockCohortById(tx, cohortId);
      if (!cohort || cohort.atRiskAlertedAt || !cohort.firstSessionAt) return false;
      if (!(await findCohortWithRisk(tx, cohortId, now))?.atRisk) return false;
      const coordinators = await listActiveStaffWithRole(tx, 'coordinator');
      if (coordinators.length === 0) return false;
      const confirmedCount = await countConfirmed(tx, cohortId);
      const link = consoleLink(opts.publicUrl, `/cohorts/${cohortId}`);
      for (const c of coordinators) {
        await enqueue(
          tx,
          {
            kind: 'email',
            to: c.email,
            template: 'cohort_at_risk',
            data: { name: c.name, cohortId, firstSessionAt: cohort.firstSessionAt, confirmedCount, minParticipants: cohort.minParticipants, link },
          },
          now,
        );
      }
      await markAtRiskAlerted(tx, cohortId, now);
      return true;
    });
    if (done) alerted++;
  }
  return alerted;
}
