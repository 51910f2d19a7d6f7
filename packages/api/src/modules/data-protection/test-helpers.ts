// Test helpers for encryption-at-rest and data-protection tests: people made through the API, so
// their declarations carry real (encrypted) answers.
import { randomUUID } from 'node:crypto';
import type { DeclarationAnswers } from '@harbour/shared';
import type { TestApp } from '../../test/build-test-app';

export const ELIGIBLE: DeclarationAnswers = {
  offenceInvolvesImages: 'yes',
  accusedOfContactOffence: 'no',
  accusedOfOnlineContactWithChild: 'no',
  accusedOfGrooming: 'no',
};

/** A participant created through the API with one declaration (default: eligible). Answers their id. */
export async function createDeclaredParticipant(
  t: TestApp,
  auth: { authorization: string },
  courseId: string,
  opts: { firstName?: string; lastName?: string; phone?: string; answers?: DeclarationAnswers } = {},
): Promise<string> {
  const created = await t.app.inject({
    method: 'POST',
    url: '/v1/participants',
    headers: auth,
    payload: {
      firstName: opts.firstName ?? 'Pat',
      lastName: opts.lastName ?? `Person-${randomUUID().slice(0, 8)}`,
      email: `p-${randomUUID().slice(0, 8)}@example.org`,
      phone: opts.phone ?? '07700 900123',
      relationship: 'partner',
    },
  });
  if (created.statusCode !== 201) throw new Error(`participant: ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  const version = await t.app.inject({ method: 'GET', url: `/v1/declaration-versions/current?courseId=${courseId}`, headers: auth });
  const declared = await t.app.inject({
    method: 'POST',
    url: `/v1/participants/${id}/declarations`,
    headers: auth,
    payload: { declarationVersionId: version.json().id, channel: 'staff', answers: opts.answers ?? ELIGIBLE },
  });
  if (declared.statusCode !== 201) throw new Error(`declaration: ${declared.statusCode} ${declared.body}`);
  return id;
}
