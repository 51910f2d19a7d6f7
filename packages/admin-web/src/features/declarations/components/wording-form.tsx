// Publishing the next version of a course's declaration wording (admin). The four questions are
// fixed by the eligibility rule (it reads each one by its key), so only their wording changes; the
// new version is current at once, and every declaration from then on is made under it.
import { CreateDeclarationVersionBodySchema, DECLARATION_QUESTION_KEYS, type DeclarationQuestionKey } from '@harbour/shared';
import { Checkbox } from 'react-aria-components/Checkbox';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { FormActions } from '../../../components/ui/form-actions';
import { TextArea } from '../../../components/ui/text-area';
import { fromApiError, noErrors, summaryItems, withoutField } from '../../../lib/form-errors';
import { useFormErrors } from '../../../lib/use-form-errors';
import { ApiError } from '../../../lib/problem';
import type { CreateDeclarationVersionInput } from '../api/create-declaration-version';
import type { DeclarationVersion } from '../api/get-current-version';

/** What the shared rule does with each answer, so whoever rewords a question keeps its meaning. */
export const QUESTION_PURPOSES: Record<DeclarationQuestionKey, string> = {
  offenceInvolvesImages: 'Asks whether the offence is about images. “No” or “Not sure” sends the declaration to a coordinator to review.',
  accusedOfContactOffence: 'Asks about a contact offence. “Yes” means the course is not suitable, and the person is signposted elsewhere.',
  accusedOfOnlineContactWithChild:
    'Asks about webcam contact or sexualised chat with a child. “Yes” means the course is not suitable, and the person is signposted elsewhere.',
  accusedOfGrooming: 'Asks about attempted grooming. “Yes” means the course is not suitable, and the person is signposted elsewhere.',
};

const FIELD_IDS = {
  text: 'wording-text',
  ...(Object.fromEntries(DECLARATION_QUESTION_KEYS.map((key) => [key, `wording-${key}`])) as Record<DeclarationQuestionKey, string>),
};

export interface WordingValues {
  text: string;
  questions: Record<DeclarationQuestionKey, string>;
  requiresRedeclaration: boolean;
}

export function initialWording(current: DeclarationVersion): WordingValues {
  const questions = Object.fromEntries(DECLARATION_QUESTION_KEYS.map((key) => [key, current.questions.find((q) => q.key === key)?.label ?? ''])) as Record<
    DeclarationQuestionKey,
    string
  >;
  return { text: current.text, questions, requiresRedeclaration: false };
}

/** The body the API takes, or a message per field (the question's key for a question). */
export function checkWording(courseId: string, values: WordingValues) {
  const parsed = CreateDeclarationVersionBodySchema.safeParse({
    courseId,
    text: values.text,
    questions: DECLARATION_QUESTION_KEYS.map((key) => ({ key, label: values.questions[key] })),
    requiresRedeclaration: values.requiresRedeclaration,
  });
  if (parsed.success) return { ok: true as const, body: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const [first, index] = issue.path;
    const key = first === 'questions' && typeof index === 'number' ? DECLARATION_QUESTION_KEYS[index] : first === 'text' ? 'text' : undefined;
    if (!key || key in errors) continue;
    if (key === 'text') errors.text = values.text.trim() ? 'Keep the declaration text to 20,000 characters or fewer' : 'Enter the declaration text';
    else errors[key] = values.questions[key].trim() ? 'Keep the question to 1,000 characters or fewer' : 'Enter the question';
  }
  return { ok: false as const, errors };
}

export interface WordingFormProps {
  courseId: string;
  current: DeclarationVersion;
  onSubmit: (body: CreateDeclarationVersionInput) => Promise<unknown>;
  isPending: boolean;
  onCancel: () => void;
}

export function WordingForm({ courseId, current, onSubmit, isPending, onCancel }: WordingFormProps) {
  const [values, setValues] = useState<WordingValues>(() => initialWording(current));
  const { errors, setErrors, fail, summaryRef } = useFormErrors();

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (isPending) return;
    const checked = checkWording(courseId, values);
    if (!checked.ok) return fail({ fields: checked.errors, form: [] });
    setErrors(noErrors);
    onSubmit(checked.body).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'DUPLICATE') {
        return fail({ fields: {}, form: ['This wording is the same as the current version. Change the text or a question to publish a new version.'] });
      }
      fail(fromApiError(error, ['text'], 'The new wording could not be published'));
    });
  };

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form className="form form--wide" onSubmit={handleSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="New declaration wording">
        <TextArea
          id={FIELD_IDS.text}
          name="text"
          label="What the person is told before the questions"
          description="Read out or shown before the questions, every time a declaration is made."
          value={values.text}
          onChange={(text) => {
            setValues((v) => ({ ...v, text }));
            setErrors((e) => withoutField(e, 'text'));
          }}
          isRequired
          isDisabled={isPending}
          rows={8}
        />
        <fieldset className="fieldset">
          <legend className="fieldset__legend">The questions</legend>
          {DECLARATION_QUESTION_KEYS.map((key, index) => (
            <TextArea
              key={key}
              id={FIELD_IDS[key]}
              name={key}
              label={`Question ${index + 1}`}
              description={QUESTION_PURPOSES[key]}
              value={values.questions[key]}
              onChange={(label) => {
                setValues((v) => ({ ...v, questions: { ...v.questions, [key]: label } }));
                setErrors((e) => withoutField(e, key));
              }}
              isRequired
              isDisabled={isPending}
              rows={2}
            />
          ))}
        </fieldset>
        <Checkbox
          className="radio checkbox field"
          isSelected={values.requiresRedeclaration}
          onChange={(requiresRedeclaration) => setValues((v) => ({ ...v, requiresRedeclaration }))}
          isDisabled={isPending}
          aria-describedby="wording-redeclaration-hint"
        >
          Everyone must declare again under this wording
        </Checkbox>
        <p className="field__hint" id="wording-redeclaration-hint">
          Leave this unticked for a change of words that keeps the meaning: declarations already made stay valid. Tick it when
          the meaning changes: a declaration made under an earlier wording then no longer lets the person enrol until they
          declare again. Seats already held are kept.
        </p>
        <FormActions submitLabel={`Publish version ${current.version + 1}`} pendingLabel="Publishing…" isPending={isPending} onCancel={onCancel} />
      </Form>
    </>
  );
}
