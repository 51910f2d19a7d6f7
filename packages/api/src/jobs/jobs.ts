import type { Db } from '../db/client';
import { advanceCohortStates } from '../modules/cohorts/cohorts.service';
import { expireOffers } from '../modules/enrolments/enrolments.service';
import type { Job } from './scheduler';

/** The time-driven work of the service. Each job is idempotent and locks what it changes. */
export function scheduledJobs(db: Db): Job[] {
  return [
    { name: 'expire-offers', run: (now) => expireOffers(db, now) },
    {
      name: 'advance-cohorts',
      run: async (now) => {
        const { started, completed } = await advanceCohortStates(db, now);
        return started.length + completed.length;
      },
    },
  ];
}
