import { describe, expect, it } from 'vitest';
import { json, problem, stubApi } from '../../../test/fake-api';
import { COHORT_ID, cohortFixture } from '../../enrolments/test/roster-fixtures';
import { ApiError } from '../../../lib/problem';
import { PartlySavedError, saveCohort } from './update-cohort';

const sessions = { sessions: [{ startsAt: '2027-03-04T18:00:00Z' }, { startsAt: '2027-03-11T18:00:00Z' }, { startsAt: '2027-03-18T18:00:00Z' }] };

describe('saving a cohort', () => {
  it('when the details are saved but the schedule is refused, says so with the saved cohort, whose version a retry sends', async () => {
    const cohort = cohortFixture({ version: 7 });
    let puts = 0;
    const api = stubApi({
      [`PATCH /v1/cohorts/${COHORT_ID}`]: () => json({ ...cohort, title: 'New title', version: 8 }),
      [`PUT /v1/cohorts/${COHORT_ID}/sessions`]: () =>
        ++puts === 1
          ? problem(422, 'SCHEDULE_INVALID', 'The sessions do not fit.', { errors: [{ path: 'sessions.1.startsAt', message: 'Too close.' }] })
          : json({ ...cohort, title: 'New title', version: 9 }),
    });

    const failed = await saveCohort({ cohort, details: { title: 'New title' }, sessions }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(PartlySavedError);
    const partly = failed as PartlySavedError;
    expect(partly.saved.version).toBe(8);
    expect(partly.cause).toBeInstanceOf(ApiError);

    // The retry: nothing left to PATCH, the schedule sent with the saved version's ETag.
    const saved = await saveCohort({ cohort: partly.saved, details: {}, sessions });
    expect(saved.version).toBe(9);
    const puts_ = api.requests.filter((r) => r.method === 'PUT');
    expect(puts_.map((r) => r.headers.get('If-Match'))).toEqual(['"8"', '"8"']);
    expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('a schedule refused with no details changed is the plain refusal', async () => {
    const cohort = cohortFixture({ version: 7 });
    stubApi({ [`PUT /v1/cohorts/${COHORT_ID}/sessions`]: () => problem(409, 'ETAG_MISMATCH', 'Changed meanwhile.') });
    const failed = await saveCohort({ cohort, details: {}, sessions }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ApiError);
  });
});
