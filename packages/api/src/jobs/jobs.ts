import type { Config } from '../config';
import type { Db } from '../db/client';
import { purgeOldLoginFailures } from '../modules/auth/auth.service';
import { purgeExpiredIdempotencyKeys } from '../modules/idempotency/idempotency';
import { retentionJob } from '../modules/data-protection/data-protection.service';
import { advanceCohortStates } from '../modules/cohorts/cohorts.service';
import { closeWaitlistsOfStartedCohorts, expireOffers } from '../modules/enrolments/enrolments.service';
import { alertAtRiskCohorts } from '../modules/notifications/at-risk';
import { sendSessionReminders } from '../modules/notifications/reminders';
import type { Job } from './scheduler';

/** The time-driven work of the service. Each job is idempotent and locks what it changes. */
export function scheduledJobs(db: Db, config: Config): Job[] {
  return [
    { name: 'expire-offers', run: (now) => expireOffers(db, now) },
    { name: 'close-started-waitlists', run: (now) => closeWaitlistsOfStartedCohorts(db, now) },
    {
      name: 'advance-cohorts',
      run: async (now) => {
        const { started, completed } = await advanceCohortStates(db, now);
        return started.length + completed.length;
      },
    },
    { name: 'at-risk-alerts', run: (now) => alertAtRiskCohorts(db, now, { publicUrl: config.PUBLIC_URL }) },
    { name: 'session-reminders', run: (now) => sendSessionReminders(db, now) },
    retentionJob(db, config),
    { name: 'purge-idempotency-keys', run: (now) => purgeExpiredIdempotencyKeys(db, now) },
    { name: 'purge-login-failures', run: (now) => purgeOldLoginFailures(db, now) },
  ];
}
