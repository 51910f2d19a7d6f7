// The one place declaration answers cross between the service and the `declarations.answers` column.
// Today JSON; to be replaced by AES-256-GCM encryption at rest. Every read and write of answers goes
// through these two functions. Errors never carry the answers.
import { DECLARATION_QUESTION_KEYS, DeclarationAnswersSchema, type DeclarationAnswers } from '@harbour/shared';

export function encodeAnswers(answers: DeclarationAnswers): string {
  // Only the known keys, in question order: nothing else reaches the column.
  return JSON.stringify(Object.fromEntries(DECLARATION_QUESTION_KEYS.map((key) => [key, answers[key]])));
}

export function decodeAnswers(stored: string): DeclarationAnswers {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    throw new Error('Stored declaration answers could not be decoded.');
  }
  const result = DeclarationAnswersSchema.safeParse(parsed);
  if (!result.success) throw new Error('Stored declaration answers are not valid.');
  return result.data;
}
