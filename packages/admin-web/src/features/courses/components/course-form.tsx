// Add or change a course: its name, description and the rules its cohorts follow, checked by the
// shared schema as it is sent, with the server's own verdict (a rule an open cohort would break,
// 422) shown against the same field.
import { CourseRulesFieldsSchema, CourseRulesSchema, CreateCourseBodySchema, DEFAULT_COURSE_RULES, type CourseRules } from '@harbour/shared';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { FormActions } from '../../../components/ui/form-actions';
import { TextArea } from '../../../components/ui/text-area';
import { TextField } from '../../../components/ui/text-field';
import { fromApiError, noErrors, summaryItems, withoutField } from '../../../lib/form-errors';
import { useFormErrors } from '../../../lib/use-form-errors';
import type { Course } from '../api/list-courses';
import { formatFee } from './format-rules';

type RuleField = keyof CourseRules;
type Field = 'name' | 'description' | RuleField;

export interface CourseFormValues {
  name: string;
  description: string;
  sessionCount: string;
  sessionMinutes: string;
  minParticipants: string;
  maxParticipants: string;
  /** In pounds, as typed: "45", "45.00" or "£45". */
  feePence: string;
  offerHours: string;
  atRiskDays: string;
}

export interface CourseSubmission {
  name: string;
  description: string;
  rules: CourseRules;
}

const FIELD_IDS: Record<Field, string> = {
  name: 'course-name',
  description: 'course-description',
  sessionCount: 'course-session-count',
  sessionMinutes: 'course-session-minutes',
  minParticipants: 'course-min',
  maxParticipants: 'course-max',
  feePence: 'course-fee',
  offerHours: 'course-offer-hours',
  atRiskDays: 'course-at-risk-days',
};

const RULE_FIELDS: readonly RuleField[] = ['sessionCount', 'sessionMinutes', 'minParticipants', 'maxParticipants', 'feePence', 'offerHours', 'atRiskDays'];

/** What each number is, in the words of "Enter … as a whole number from 1 to 20". */
const RULE_NOUNS: Record<Exclude<RuleField, 'feePence'>, string> = {
  sessionCount: 'the number of sessions',
  sessionMinutes: 'the length of a session in minutes',
  minParticipants: 'the fewest people',
  maxParticipants: 'the most people',
  offerHours: 'how many hours an offer is held',
  atRiskDays: 'how many days before the first session to check',
};

/** The shared schema's own bounds, so the message says what the API will accept. */
function boundsOf(field: RuleField): { min: number | null; max: number | null } {
  const schema = CourseRulesFieldsSchema.shape[field];
  return { min: schema.minValue ?? null, max: schema.maxValue ?? null };
}

function rangeMessage(field: Exclude<RuleField, 'feePence'>): string {
  const { min, max } = boundsOf(field);
  const noun = RULE_NOUNS[field];
  if (min !== null && max !== null) return `Enter ${noun} as a whole number from ${min} to ${max}`;
  if (min !== null) return `Enter ${noun} as a whole number, ${min} or more`;
  return `Enter ${noun} as a whole number, ${max ?? 0} or fewer`;
}

export function initialCourseValues(course?: Course): CourseFormValues {
  const rules = course?.rules;
  const text = (n: number | undefined) => (n === undefined ? '' : String(n));
  return {
    name: course?.name ?? '',
    description: course?.description ?? '',
    sessionCount: text(rules?.sessionCount),
    sessionMinutes: text(rules?.sessionMinutes),
    minParticipants: text(rules?.minParticipants),
    maxParticipants: text(rules?.maxParticipants),
    feePence: rules ? (rules.feePence / 100).toFixed(2) : '',
    offerHours: text(rules?.offerHours),
    atRiskDays: text(rules?.atRiskDays),
  };
}

/** "45", "45.5", "45.50", "£45.50" → 4550 pence; anything else → NaN. */
export function parsePounds(value: string): number {
  const match = /^£?\s*(\d{1,8})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

function parseWhole(value: string): number {
  return /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
}

/** The form's values checked by the shared schemas: a submission, or a message per field. */
export function checkCourse(values: CourseFormValues): { ok: true; submission: CourseSubmission } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const rules: Record<string, number> = {};
  for (const field of RULE_FIELDS) {
    const value = field === 'feePence' ? parsePounds(values.feePence) : parseWhole(values[field]);
    if (Number.isNaN(value)) {
      errors[field] = field === 'feePence' ? 'Enter the fee in pounds, for example 45 or 45.00 (0 for no fee)' : rangeMessage(field);
    }
    rules[field] = value;
  }
  const name = values.name.trim();
  const description = values.description.trim();
  const body = CreateCourseBodySchema.safeParse({ name, description, rules });
  if (!body.success) {
    for (const issue of body.error.issues) {
      const [first, second] = issue.path.map(String);
      const field = first === 'rules' ? second : first;
      if (!field || field in errors) continue;
      if (field === 'name') errors.name = name ? 'Keep the name to 200 characters or fewer' : 'Enter a name for the course';
      else if (field === 'description') errors.description = 'Keep the description to 4,000 characters or fewer';
      else if (field === 'feePence') errors.feePence = `Enter a fee of at most ${formatFee(boundsOf('feePence').max ?? 0)}`;
      else if (field === 'minParticipants' && issue.code === 'custom') errors.minParticipants = issue.message;
      else if (field in RULE_NOUNS) errors[field] = rangeMessage(field as keyof typeof RULE_NOUNS);
    }
  }
  // zod checks the pair only once every field is valid: check it on its own too, so it is said at once.
  if (!errors.minParticipants && !errors.maxParticipants) {
    const pair = CourseRulesSchema.safeParse({ ...DEFAULT_COURSE_RULES, minParticipants: rules.minParticipants, maxParticipants: rules.maxParticipants });
    const issue = pair.error?.issues.find((i) => i.code === 'custom');
    if (issue) errors.minParticipants = issue.message;
  }
  if (Object.keys(errors).length > 0 || !body.success) return { ok: false, errors };
  return { ok: true, submission: { name: body.data.name, description: body.data.description, rules: CourseRulesSchema.parse(body.data.rules) } };
}

export interface CourseFormProps {
  /** The course being changed; absent when adding one. */
  course?: Course;
  onSubmit: (submission: CourseSubmission) => Promise<unknown>;
  isPending: boolean;
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
}

export function CourseForm({ course, onSubmit, isPending, submitLabel, pendingLabel, onCancel }: CourseFormProps) {
  const [values, setValues] = useState<CourseFormValues>(() => initialCourseValues(course));
  const { errors, setErrors, fail, summaryRef } = useFormErrors();

  const set = (field: Field, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => withoutField(e, field));
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (isPending) return;
    const checked = checkCourse(values);
    if (!checked.ok) return fail({ fields: checked.errors, form: [] });
    setErrors(noErrors);
    onSubmit(checked.submission).catch((error: unknown) =>
      fail(fromApiError(error, Object.keys(FIELD_IDS), course ? 'The course could not be saved' : 'The course could not be added')),
    );
  };

  const field = (name: Exclude<Field, 'description'>, label: string, description: string, width: 'code' | 'full' = 'code') => (
    <TextField
      id={FIELD_IDS[name]}
      name={name}
      label={label}
      description={description}
      inputMode={name === 'name' ? undefined : name === 'feePence' ? 'decimal' : 'numeric'}
      width={width}
      value={values[name]}
      onChange={(v) => set(name, v)}
      isRequired
      isDisabled={isPending}
    />
  );

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form
        className="form form--wide"
        onSubmit={handleSubmit}
        validationBehavior="aria"
        validationErrors={errors.fields}
        aria-label={course ? `Change ${course.name}` : 'New course'}
      >
        {field('name', 'Course name', 'As staff and participants see it, e.g. “Course for Family Members and Partners”.', 'full')}
        <TextArea
          id={FIELD_IDS.description}
          name="description"
          label="Description (optional)"
          description="A sentence or two about who the course is for."
          value={values.description}
          onChange={(v) => set('description', v)}
          isDisabled={isPending}
          rows={3}
        />
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Sessions</legend>
          <div className="field-pair">
            {field('sessionCount', 'How many sessions', 'Every cohort has exactly this many.')}
            {field('sessionMinutes', 'Minutes per session', 'For example 180 for 3 hours.')}
          </div>
        </fieldset>
        <fieldset className="fieldset">
          <legend className="fieldset__legend">Group size</legend>
          <div className="field-pair">
            {field('minParticipants', 'Fewest people', 'A cohort with fewer is at risk.')}
            {field('maxParticipants', 'Most people', 'Confirmed seats; later people join the waitlist.')}
          </div>
        </fieldset>
        {field('feePence', 'Fee in pounds', 'What each participant pays, e.g. 45.00. Enter 0 for no fee.')}
        {field('offerHours', 'Hours a freed seat is held', 'When a seat frees, the first person waiting is offered it for this long.')}
        {field('atRiskDays', 'Days before the first session to check numbers', 'A cohort still short of people this close to its start is flagged at risk.')}
        {course ? (
          <p className="field__hint">
            While the course has cohorts that are not completed or cancelled, its sessions cannot change, and its group size can
            only widen.
          </p>
        ) : null}
        <FormActions submitLabel={submitLabel} pendingLabel={pendingLabel} isPending={isPending} onCancel={onCancel} />
      </Form>
    </>
  );
}

/** Only what changed, as the API's PATCH takes it; null when nothing did. */
export function courseChanges(course: Course, next: CourseSubmission) {
  const rules = Object.fromEntries(RULE_FIELDS.filter((f) => next.rules[f] !== course.rules[f]).map((f) => [f, next.rules[f]]));
  const changes = {
    ...(next.name !== course.name ? { name: next.name } : {}),
    ...(next.description !== course.description ? { description: next.description } : {}),
    ...(Object.keys(rules).length > 0 ? { rules } : {}),
  };
  return Object.keys(changes).length > 0 ? changes : null;
}
