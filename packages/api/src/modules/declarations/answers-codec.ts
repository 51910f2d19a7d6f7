// The one place declaration answers and review notes cross between the service and their columns:
// encrypted at rest (AES-256-GCM, lib/encryption.ts). Every read and write of them goes through these
// functions. Errors never carry the answers.
import { DECLARATION_QUESTION_KEYS, DeclarationAnswersSchema, type DeclarationAnswers } from '@harbour/shared';
import { ENCRYPTED_FIELDS, decryptField, decryptOptional, encryptField, encryptOptional } from '../../lib/encryption';

export function encodeAnswers(answers: DeclarationAnswers): string {
  // Only the known keys, in question order: nothing else reaches the column.
  const json = JSON.stringify(Object.fromEntries(DECLARATION_QUESTION_KEYS.map((key) => [key, answers[key]])));
  return encryptField(json, ENCRYPTED_FIELDS.declarationAnswers);
}

/** Throws DecryptionError (wrong key, altered or erased data) or an Error without the answers. */
export function decodeAnswers(stored: string): DeclarationAnswers {
  // Values from before encryption at rest are plain JSON; decryptField passes them through.
  const plain = decryptField(stored, ENCRYPTED_FIELDS.declarationAnswers);
  let parsed: unknown;
  try {
    parsed = JSON.parse(plain);
  } catch {
    throw new Error('Stored declaration answers could not be decoded.');
  }
  const result = DeclarationAnswersSchema.safeParse(parsed);
  if (!result.success) throw new Error('Stored declaration answers are not valid.');
  return result.data;
}

/** A coordinator's review note, for the `declarations.review_note` column. */
export function encodeReviewNote(note: string | null | undefined): string | null {
  return encryptOptional(note, ENCRYPTED_FIELDS.declarationReviewNote);
}

/** The review note back from its column; null when there is none or it was erased. */
export function decodeReviewNote(stored: string | null): string | null {
  return decryptOptional(stored, ENCRYPTED_FIELDS.declarationReviewNote);
}
