// Create or change a cohort: its name, delivery, size and schedule, checked by the shared rules as
// it is filled in, with the server's own verdict (422) shown against the same fields.
import { CreateCohortBodySchema, UpdateCohortBodySchema, validateSizeLimits, type CourseRules } from '@harbour/shared';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Label, Text } from 'react-aria-components/TextField';
import { Radio, RadioGroup } from 'react-aria-components/RadioGroup';
import { ListBox, ListBoxItem } from 'react-aria-components/ListBox';
import { Popover } from 'react-aria-components/Popover';
import { Button as AriaButton, Select, SelectValue } from 'react-aria-components/Select';
import { FieldError } from 'react-aria-components/FieldError';
import { ErrorSummary, type SummaryItem } from '../../../components/ui/error-summary';
import { FormActions } from '../../../components/ui/form-actions';
import { TextField } from '../../../components/ui/text-field';
import type { Course } from '../../courses/api/list-courses';
import { formatParticipants } from '../../courses/components/format-rules';
import type { Cohort } from '../api/list-cohorts';
import { toLondonWallClock } from '../london-time';
import { describeApiError, noErrors, normalisePath, type FormErrors } from './form-errors';
import { ScheduleEditor, SESSIONS_FIELD_ID, sessionFieldId } from './schedule-editor';
import { checkSchedule, newSessionRow, type SessionRow } from './schedule-rules';

type DeliveryMode = 'online' | 'in_person';

export interface CohortFormValues {
  courseId: string;
  title: string;
  deliveryMode: DeliveryMode;
  venue: string;
  joiningLink: string;
  minParticipants: string;
  maxParticipants: string;
  rows: SessionRow[];
}

export interface CohortSubmission {
  courseId: string;
  title: string;
  deliveryMode: DeliveryMode;
  venue: string | null;
  joiningLink: string | null;
  minParticipants?: number;
  maxParticipants?: number;
  sessions: { startsAt: string }[];
  /** False when editing and the schedule was left as it was. */
  scheduleChanged: boolean;
}

const FIELD_IDS = {
  courseId: 'cohort-course',
  title: 'cohort-title',
  deliveryMode: 'cohort-delivery',
  venue: 'cohort-venue',
  joiningLink: 'cohort-joining-link',
  minParticipants: 'cohort-min',
  maxParticipants: 'cohort-max',
  enrolmentDeadline: SESSIONS_FIELD_ID,
  sessions: SESSIONS_FIELD_ID,
} as const;

function fieldIdOf(path: string): string | undefined {
  const session = /^sessions\.(\d+)\./.exec(path);
  if (session) return sessionFieldId(Number(session[1]));
  return (FIELD_IDS as Record<string, string | undefined>)[path];
}

const knownField = (path: string) => fieldIdOf(path) !== undefined;

export function initialValues(courses: Course[], cohort?: Cohort): CohortFormValues {
  if (cohort) {
    return {
      courseId: cohort.courseId,
      title: cohort.title,
      deliveryMode: cohort.deliveryMode,
      venue: cohort.venue ?? '',
      joiningLink: cohort.joiningLink ?? '',
      minParticipants: String(cohort.minParticipants),
      maxParticipants: String(cohort.maxParticipants),
      rows: cohort.sessions.map((s) => {
        const { date, time } = toLondonWallClock(s.startsAt);
        return newSessionRow(date, time);
      }),
    };
  }
  const course = courses[0];
  return {
    courseId: course?.id ?? '',
    title: '',
    deliveryMode: 'online',
    venue: '',
    joiningLink: '',
    minParticipants: '',
    maxParticipants: '',
    rows: Array.from({ length: course?.rules.sessionCount ?? 3 }, () => newSessionRow()),
  };
}

function parseCount(value: string): number | undefined | typeof NaN {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

export interface CohortFormProps {
  courses: Course[];
  /** The cohort being changed; absent when creating one. */
  cohort?: Cohort;
  onSubmit: (submission: CohortSubmission) => Promise<unknown>;
  isPending: boolean;
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
  /** For tests: the moment "in the future" is measured from. */
  now?: Date;
}

export function CohortForm({ courses, cohort, onSubmit, isPending, submitLabel, pendingLabel, onCancel, now }: CohortFormProps) {
  const [values, setValues] = useState<CohortFormValues>(() => initialValues(courses, cohort));
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>(noErrors);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const initialRows = useRef(JSON.stringify(values.rows.map((r) => [r.date, r.time])));

  const course = courses.find((c) => c.id === values.courseId);
  const rules: CourseRules | undefined = course?.rules;
  const isEdit = Boolean(cohort);
  const scheduleEditable = !cohort || cohort.status === 'draft' || cohort.status === 'open';
  const scheduleChanged = JSON.stringify(values.rows.map((r) => [r.date, r.time])) !== initialRows.current;

  const schedule = useMemo(
    () =>
      rules
        ? checkSchedule(rules, values.rows, { now, requireFuture: true, showIncomplete: submitted })
        : { instants: [], errors: {}, ok: false },
    [rules, values.rows, now, submitted],
  );
  const scheduleErrors = scheduleEditable && (!isEdit || scheduleChanged) ? schedule.errors : {};

  const sizeErrors = useMemo(() => {
    if (!rules) return {};
    const min = parseCount(values.minParticipants);
    const max = parseCount(values.maxParticipants);
    if (min === undefined && max === undefined) return {};
    const result = validateSizeLimits(rules, { minParticipants: min, maxParticipants: max });
    return result.ok ? {} : Object.fromEntries(result.violations.map((v) => [v.path, v.message]));
  }, [rules, values.minParticipants, values.maxParticipants]);

  // Live rule messages, then what the last submit found (client schema or server), newest first.
  const fieldErrors: Record<string, string> = { ...serverErrors.fields, ...clientErrors, ...sizeErrors, ...scheduleErrors };

  useEffect(() => {
    if (attempt > 0) summaryRef.current?.focus();
  }, [attempt]);

  const set = <K extends keyof CohortFormValues>(key: K, value: CohortFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setClientErrors((e) => {
      if (!(key in e)) return e;
      const { [key]: _gone, ...rest } = e;
      return rest;
    });
    setServerErrors((e) => {
      if (key === 'rows') {
        const fields = Object.fromEntries(Object.entries(e.fields).filter(([k]) => !k.startsWith('sessions')));
        return { ...e, fields };
      }
      if (!(key in e.fields)) return e;
      const { [key]: _gone, ...fields } = e.fields;
      return { ...e, fields };
    });
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (isPending || !rules) return;
    setSubmitted(true);
    setServerErrors(noErrors);

    const full = checkSchedule(rules, values.rows, { now, requireFuture: true, showIncomplete: true });
    const sendSchedule = scheduleEditable && (!isEdit || scheduleChanged);
    const min = parseCount(values.minParticipants);
    const max = parseCount(values.maxParticipants);
    const submission: CohortSubmission = {
      courseId: values.courseId,
      title: values.title.trim(),
      deliveryMode: values.deliveryMode,
      venue: values.deliveryMode === 'in_person' ? values.venue.trim() || null : null,
      joiningLink: values.deliveryMode === 'online' ? values.joiningLink.trim() || null : null,
      ...(min === undefined ? {} : { minParticipants: min }),
      ...(max === undefined ? {} : { maxParticipants: max }),
      sessions: full.instants.map((startsAt) => ({ startsAt: startsAt ?? '' })),
      scheduleChanged: sendSchedule,
    };

    const errors: Record<string, string> = {};
    if (!submission.title) errors.title = 'Enter a name for the cohort';
    if (!submission.courseId) errors.courseId = 'Choose the course';
    const parsed = isEdit
      ? UpdateCohortBodySchema.safeParse({
          title: submission.title || undefined,
          deliveryMode: submission.deliveryMode,
          venue: submission.venue,
          joiningLink: submission.joiningLink,
        })
      : CreateCohortBodySchema.safeParse({
          courseId: submission.courseId,
          title: submission.title,
          deliveryMode: submission.deliveryMode,
          venue: submission.venue,
          joiningLink: submission.joiningLink,
          sessions: [],
        });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = normalisePath(issue.path);
        if (path === 'title' || path === 'courseId') continue; // said above, in plainer words
        if (knownField(path)) errors[path] ??= issue.message;
      }
    }
    if (sendSchedule) Object.assign(errors, full.errors);
    Object.assign(errors, sizeErrors);
    if (Number.isNaN(min)) errors.minParticipants = 'Enter the minimum as a whole number, or leave it empty';
    if (Number.isNaN(max)) errors.maxParticipants = 'Enter the maximum as a whole number, or leave it empty';

    setClientErrors(errors);
    if (Object.keys(errors).length > 0) {
      setAttempt((n) => n + 1);
      return;
    }
    onSubmit(submission).catch((error: unknown) => {
      setServerErrors(describeApiError(error, knownField, isEdit ? 'save the cohort' : 'create the cohort'));
      setAttempt((n) => n + 1);
    });
  };

  const summary: SummaryItem[] = [
    ...serverErrors.form.map((message) => ({ message })),
    ...(attempt > 0
      ? Object.entries(fieldErrors).map(([path, message]) => ({ message, fieldId: fieldIdOf(path) }))
      : []),
  ];

  // The server's messages come through the form; the live and client-side ones through each
  // field's `validate`, which react-aria re-runs whenever they change.
  const serverFieldErrors = Object.fromEntries(
    Object.entries(serverErrors.fields).filter(([path]) => ['title', 'venue', 'joiningLink', 'minParticipants', 'maxParticipants'].includes(path)),
  );
  const liveError = (path: string) => () => ({ ...clientErrors, ...sizeErrors })[path] ?? null;

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summary} />
      <Form className="form form--wide" onSubmit={handleSubmit} validationBehavior="aria" validationErrors={serverFieldErrors} aria-label={isEdit ? 'Change the cohort' : 'New cohort'}>
        {courses.length > 1 && !isEdit ? (
          <Select
            className="field"
            id={FIELD_IDS.courseId}
            selectedKey={values.courseId || null}
            onSelectionChange={(key) => {
              const next = courses.find((c) => c.id === key);
              set('courseId', String(key));
              if (next) set('rows', Array.from({ length: next.rules.sessionCount }, (_, i) => values.rows[i] ?? newSessionRow()));
            }}
            isInvalid={Boolean(fieldErrors.courseId)}
            isDisabled={isPending}
          >
            <Label className="field__label">Course</Label>
            <AriaButton className="field__input select__trigger">
              <SelectValue className="select__value" />
              <span aria-hidden="true">▾</span>
            </AriaButton>
            <FieldError className="field__error">{fieldErrors.courseId}</FieldError>
            <Popover className="select__popover">
              <ListBox className="select__list">
                {courses.map((c) => (
                  <ListBoxItem key={c.id} id={c.id} className="select__option">
                    {c.name}
                  </ListBoxItem>
                ))}
              </ListBox>
            </Popover>
          </Select>
        ) : (
          <p className="field">
            <span className="field__label">Course</span>
            <span>{course?.name ?? 'Unknown course'}</span>
          </p>
        )}

        <TextField
          id={FIELD_IDS.title}
          name="title"
          validate={liveError('title')}
          label="Cohort name"
          description="How staff will recognise it, e.g. “Spring evenings (online)”. Participants do not see it."
          value={values.title}
          onChange={(v) => set('title', v)}
          isRequired
          isDisabled={isPending}
        />

        <RadioGroup
          className="field radio-group radio-group--inline"
          id={FIELD_IDS.deliveryMode}
          value={values.deliveryMode}
          onChange={(v) => set('deliveryMode', v as DeliveryMode)}
          isDisabled={isPending}
        >
          <Label className="field__label">How it is delivered</Label>
          <div className="radio-group__options">
            <Radio value="online" className="radio">
              Online
            </Radio>
            <Radio value="in_person" className="radio">
              In person
            </Radio>
          </div>
        </RadioGroup>

        {values.deliveryMode === 'online' ? (
          <TextField
            id={FIELD_IDS.joiningLink}
            name="joiningLink"
            validate={liveError('joiningLink')}
            label="Joining link"
            description="Shown only to confirmed participants. Needed before the cohort is published."
            type="url"
            value={values.joiningLink}
            onChange={(v) => set('joiningLink', v)}
            isDisabled={isPending}
          />
        ) : (
          <TextField
            id={FIELD_IDS.venue}
            name="venue"
            validate={liveError('venue')}
            label="Venue"
            description="The room and full address. Needed before the cohort is published."
            value={values.venue}
            onChange={(v) => set('venue', v)}
            isDisabled={isPending}
          />
        )}

        {rules ? (
          <div className="field-pair">
            <TextField
              id={FIELD_IDS.minParticipants}
              name="minParticipants"
              validate={liveError('minParticipants')}
              label="Fewest people"
              description={`Leave empty for the course’s ${rules.minParticipants}. The course allows ${formatParticipants(rules)}.`}
              inputMode="numeric"
              width="code"
              value={values.minParticipants}
              onChange={(v) => set('minParticipants', v)}
              isDisabled={isPending}
            />
            <TextField
              id={FIELD_IDS.maxParticipants}
              name="maxParticipants"
              validate={liveError('maxParticipants')}
              label="Most people"
              description={`Leave empty for the course’s ${rules.maxParticipants}.`}
              inputMode="numeric"
              width="code"
              value={values.maxParticipants}
              onChange={(v) => set('maxParticipants', v)}
              isDisabled={isPending}
            />
          </div>
        ) : null}

        {rules ? (
          scheduleEditable ? (
            <ScheduleEditor
              rules={rules}
              rows={values.rows}
              onChange={(rows) => set('rows', rows)}
              check={{ ...schedule, errors: scheduleErrors }}
              serverErrors={Object.fromEntries(Object.entries(serverErrors.fields).filter(([k]) => k.startsWith('sessions')))}
              isDisabled={isPending}
            />
          ) : (
            <Text slot="description" className="field__hint">
              The sessions of a {cohort?.status.replace('_', ' ')} cohort cannot be changed.
            </Text>
          )
        ) : null}

        <FormActions submitLabel={submitLabel} pendingLabel={pendingLabel} isPending={isPending} onCancel={onCancel} />
      </Form>
    </>
  );
}
