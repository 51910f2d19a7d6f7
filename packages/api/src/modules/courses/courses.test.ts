import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app';

let t: TestApp;
let admin: { authorization: string };
beforeAll(async () => {
  t = await buildTestApp();
  admin = (await t.staff(['admin'])).auth;
});
afterAll(async () => t.close());

const RULES = { sessionCount: 1, sessionMinutes: 60, minParticipants: 2, maxParticipants: 6, feePence: 0, offerHours: 48, atRiskDays: 14 };
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const call = (method: 'POST' | 'PATCH', url: string, payload: object) => t.app.inject({ method, url, payload, headers: admin });
const changeRules = (courseId: string, rules: object) => call('PATCH', `/v1/courses/${courseId}`, { rules });

async function course(): Promise<string> {
  const res = await call('POST', '/v1/courses', { name: 'Rules course', rules: RULES });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function cohort(courseId: string, title: string, limits: { minParticipants: number; maxParticipants: number }): Promise<string> {
  const res = await call('POST', '/v1/cohorts', { courseId, title, deliveryMode: 'online', sessions: [{ startsAt: inDays(30) }], ...limits });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('PATCH /v1/courses/:id', () => {
  it('refuses rules its cohorts still to run would break (422, naming them), and takes the rest', async () => {
    const id = await course();
    const cohortId = await cohort(id, 'Thursday group', { minParticipants: 3, maxParticipants: 6 });

    const refusals: [object, string][] = [
      [{ maxParticipants: 5 }, 'rules.maxParticipants'],
      [{ minParticipants: 4 }, 'rules.minParticipants'],
      [{ sessionMinutes: 90 }, 'rules.sessionMinutes'],
      [{ sessionCount: 2 }, 'rules.sessionCount'],
    ];
    for (const [rules, path] of refusals) {
      const res = await changeRules(id, rules);
      expect(res.statusCode, JSON.stringify(rules)).toBe(422);
      expect(res.json()).toMatchObject({ code: 'RULE_VIOLATION', errors: [expect.objectContaining({ path })] });
      expect(res.json().errors[0].message).toContain('“Thursday group”');
    }
    // What binds no cohort changes freely; so does a wider limit.
    const fine = await changeRules(id, { atRiskDays: 7, offerHours: 24, feePence: 1000, maxParticipants: 8, minParticipants: 1 });
    expect(fine.statusCode, fine.body).toBe(200);
    expect(fine.json().rules).toMatchObject({ atRiskDays: 7, offerHours: 24, maxParticipants: 8, minParticipants: 1 });

    // Once the cohort is closed, its rules bind nothing.
    expect((await call('POST', `/v1/cohorts/${cohortId}/cancel`, { reason: 'Test' })).statusCode).toBe(200);
    const after = await changeRules(id, { maxParticipants: 5, sessionMinutes: 90 });
    expect(after.statusCode, after.body).toBe(200);
  });
});
