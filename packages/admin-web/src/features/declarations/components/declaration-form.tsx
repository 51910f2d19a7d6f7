// Recording a declaration, often read out to someone on the phone: the exact wording and questions
// of the current version (from the API, never a copy here), an outcome that follows the answers as
// they are given (from the shared rule function), then the server's outcome, which is the one that counts.
import {
  ANSWER_LABELS,
  ANSWER_VALUES,
  DECLARATION_CHANNEL_LABELS,
  DECLARATION_CHANNELS,
  evaluateEligibility,
  type Answer,
  type DeclarationAnswers,
  type DeclarationChannel,
  type DeclarationQuestionKey,
  type EligibilityResult,
} from '@harbour/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { RadioGroup } from '../../../components/ui/radio-group';
import { fromApiError, hasErrors, noErrors, summaryItems, withoutField, type FormErrors, describeProblem } from '../../../lib/form-errors';
import { useFormDraft } from '../../../lib/form-draft';
import { ApiError } from '../../../lib/problem';
import { useCreateDeclaration, type Declaration } from '../api/create-declaration';
import { useCurrentDeclarationVersion } from '../api/get-current-version';
import { OutcomeDetails, ReleasedPlacesNotice } from './eligibility-outcome';

type Answers = Partial<Record<DeclarationQuestionKey, Answer>>;

const ANSWER_OPTIONS = ANSWER_VALUES.map((value) => ({ value, label: ANSWER_LABELS[value] }));
const CHANNEL_OPTIONS = DECLARATION_CHANNELS.map((value) => ({ value, label: DECLARATION_CHANNEL_LABELS[value] }));

const questionFieldId = (key: string) => `declaration-${key}`;

/**
 * The outcome the answers so far lead to: known once every question is answered, or as soon as
 * any accusation is 'yes' (nothing later can change an ineligible outcome). Null until then.
 */
export function previewOutcome(answers: Answers, keys: readonly DeclarationQuestionKey[]): EligibilityResult | null {
  const complete = keys.every((key) => answers[key] !== undefined);
  // The rule reads a missing answer as 'unsure' (it fails safe), so a partial preview is only
  // shown when it cannot change.
  const result = evaluateEligibility(answers as DeclarationAnswers);
  if (complete || result.outcome === 'ineligible') return result;
  return null;
}

export interface DeclarationFormProps {
  participantId: string;
  courseId: string;
  courseName?: string;
  /** After the server has recorded it (its outcome is the one shown then). */
  onSaved?: (declaration: Declaration) => void;
  /** Cancel before saving, or Done after. */
  onCancel?: () => void;
}

export function DeclarationForm({ participantId, courseId, courseName, onSaved, onCancel }: DeclarationFormProps) {
  const version = useCurrentDeclarationVersion(courseId);
  const create = useCreateDeclaration();
  // Only the channel is kept as a draft if the session ends: the answers are too sensitive to store.
  const draft = useFormDraft<{ channel: DeclarationChannel }>(`declaration:${participantId}`, { channel: 'staff' });
  const channel = draft.value.channel;
  const [answers, setAnswers] = useState<Answers>({});
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const [saved, setSaved] = useState<Declaration | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const savedRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  useEffect(() => {
    if (saved) savedRef.current?.focus();
  }, [saved]);

  if (version.isPending) return <Loading label="Loading the declaration wording…" />;
  if (version.isError) {
    const missing = version.error instanceof ApiError && version.error.status === 404;
    return (
      <Notice tone="error" title="The declaration could not be loaded">
        <p>
          {missing
            ? 'This course has no declaration wording yet. An administrator needs to add it before declarations can be recorded.'
            : describeProblem(version.error, 'The wording could not be loaded')}
        </p>
        {!missing ? (
          <Button variant="secondary" onPress={() => void version.refetch()} isPending={version.isRefetching}>
            Try again
          </Button>
        ) : null}
      </Notice>
    );
  }

  const wording = version.data;
  const keys = wording.questions.map((question) => question.key);
  const fieldIds = Object.fromEntries([...keys.map((key) => [key, questionFieldId(key)]), ['channel', 'declaration-channel']]);
  const preview = previewOutcome(answers, keys);

  if (saved) {
    return (
      <div className="declaration-saved" ref={savedRef} tabIndex={-1} aria-labelledby="declaration-saved-title">
        <h3 id="declaration-saved-title">Declaration recorded</h3>
        <p>
          Recorded under version {saved.version} of the wording, {DECLARATION_CHANNEL_LABELS[saved.channel].toLowerCase()}.
          This is the outcome Harbour has recorded:
        </p>
        <OutcomeDetails outcome={saved.outcome} reasons={saved.reasons} signposting={saved.signposting} mode="saved" />
        <ReleasedPlacesNotice places={saved.releasedPlaces} />
        {onCancel ? (
          <div className="form__actions">
            <Button variant="secondary" onPress={onCancel}>
              Done
            </Button>
          </div>
        ) : null}
      </div>
    );
  }

  const showErrors = (next: FormErrors) => {
    setErrors(next);
    setAttempt((count) => count + 1);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const missing: Record<string, string> = {};
    wording.questions.forEach((question, index) => {
      if (!answers[question.key]) missing[question.key] = `Answer question ${index + 1}: yes, no or not sure`;
    });
    if (Object.keys(missing).length > 0) {
      showErrors({ fields: missing, form: [] });
      return;
    }
    setErrors(noErrors);
    create.mutate(
      { participantId, declarationVersionId: wording.id, channel, answers: answers as DeclarationAnswers },
      {
        onSuccess: (declaration) => {
          draft.discard();
          setSaved(declaration);
          onSaved?.(declaration);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'DECLARATION_VERSION_NOT_CURRENT') {
            void version.refetch();
            showErrors({
              fields: {},
              form: ['The declaration wording has just changed. Read the new wording below, check the answers, then save again.'],
            });
            return;
          }
          showErrors(fromApiError(error, [...keys, 'channel'], 'The declaration could not be saved'));
        },
      },
    );
  };

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, fieldIds)} />
      <Form className="form form--wide declaration-form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="Declaration">
        <div className="declaration-wording">
          <p className="declaration-wording__meta">
            {courseName ? `${courseName}: ` : ''}declaration wording, version {wording.version}
          </p>
          {wording.text.split(/\n{2,}/).map((paragraph, index) => (
            <p key={index}>{paragraph}</p>
          ))}
        </div>
        <p className="field__hint">
          If you are on the phone, read each statement out as it is written. The answers are not kept in this browser
          if your session ends: they are too sensitive to store here.
        </p>
        <ol className="declaration-questions">
          {wording.questions.map((question) => (
            <li key={question.key}>
              <RadioGroup
                id={questionFieldId(question.key)}
                name={question.key}
                label={question.label}
                options={ANSWER_OPTIONS}
                layout="inline"
                isRequired
                value={answers[question.key] ?? null}
                onChange={(value) => {
                  setAnswers((previous) => ({ ...previous, [question.key]: value }));
                  setErrors((previous) => withoutField(previous, question.key));
                }}
              />
            </li>
          ))}
        </ol>

        <div className="declaration-preview" role="status" aria-live="polite" aria-atomic="true">
          {preview ? (
            <OutcomeDetails outcome={preview.outcome} reasons={preview.reasons} signposting={preview.signposting} mode="preview" />
          ) : (
            <p className="declaration-preview__waiting">The outcome will show here as the questions are answered.</p>
          )}
        </div>

        <RadioGroup
          id="declaration-channel"
          name="channel"
          label="How was this declaration made?"
          options={CHANNEL_OPTIONS}
          isRequired
          value={channel}
          onChange={(value) => draft.setValue({ channel: value })}
        />

        <div className="form__actions">
          <Button type="submit" isPending={create.isPending} pendingLabel="Saving the declaration…">
            Save declaration
          </Button>
          {onCancel ? (
            <Button type="button" variant="secondary" onPress={onCancel} isDisabled={create.isPending}>
              Cancel
            </Button>
          ) : null}
        </div>
      </Form>
    </>
  );
}
