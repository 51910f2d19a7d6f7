// Enrolling someone from their own page: choose one of the course's cohorts that take enrolments
// (open or confirmed); the answer says plainly whether they have a seat or a waitlist place.
import { formatLondon } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { describeProblem } from '../../../lib/form-errors';
import { Select } from '../../../components/ui/select';
import { ApiError } from '../../../lib/problem';
import { useCohorts, type Cohort } from '../../cohorts/api/list-cohorts';
import { useEnrolParticipant, type Enrolment } from '../api/enrol-participant';

function describeCohort(cohort: Cohort): string {
  const when = cohort.firstSessionAt ? formatLondon(cohort.firstSessionAt, { weekday: false, time: false }) : 'dates to be set';
  const seats = cohort.seatsFree > 0 ? `${cohort.seatsFree} of ${cohort.maxParticipants} seats free` : `full, ${cohort.waitlistCount} waiting`;
  return `${cohort.title} (starts ${when}; ${seats})`;
}

function enrolError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'NOT_ELIGIBLE') {
      return 'They cannot be enrolled: their latest declaration does not make them eligible for this course. Record a new declaration, or resolve the review first.';
    }
    if (error.code === 'ALREADY_ENROLLED') {
      return 'They already have a seat or a waitlist place on this course, so they cannot be enrolled twice. Look at the cohort to change it.';
    }
    if (error.code === 'INVALID_STATE' || error.code === 'ENROLMENT_CLOSED') {
      return error.problem.detail || 'This cohort is not taking enrolments now. Choose another cohort.';
    }
  }
  return describeProblem(error, 'They could not be enrolled');
}

export interface EnrolPanelProps {
  participantId: string;
  participantName: string;
  courseId: string;
}

export function EnrolPanel({ participantId, participantName, courseId }: EnrolPanelProps) {
  const cohorts = useCohorts({ status: 'open,confirmed', courseId, limit: 100 });
  const enrol = useEnrolParticipant();
  const [cohortId, setCohortId] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [result, setResult] = useState<{ enrolment: Enrolment; cohort: Cohort } | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  if (cohorts.isPending) return <Loading label="Loading cohorts…" />;
  if (cohorts.isError) {
    return (
      <Notice tone="error" title="Cohorts could not be loaded">
        <p>{describeProblem(cohorts.error, 'Cohorts could not be loaded')}</p>
        <Button variant="secondary" onPress={() => void cohorts.refetch()} isPending={cohorts.isRefetching}>
          Try again
        </Button>
      </Notice>
    );
  }

  if (result) {
    const { enrolment, cohort } = result;
    return (
      <div ref={resultRef} tabIndex={-1}>
        {enrolment.status === 'confirmed' ? (
          <Notice tone="success" title="Seat confirmed">
            <p>
              {participantName} has a confirmed seat on{' '}
              <Link to="/cohorts/$cohortId" params={{ cohortId: cohort.id }}>
                {cohort.title}
              </Link>
              .
            </p>
          </Notice>
        ) : (
          <Notice tone="info" title={`On the waitlist, number ${enrolment.waitlistPosition ?? '?'}`}>
            <p>
              {cohort.title} is full, so {participantName} is number {enrolment.waitlistPosition ?? '?'} on its waitlist. When
              a seat frees up they will be offered it in turn.{' '}
              <Link to="/cohorts/$cohortId" params={{ cohortId: cohort.id }}>
                Open the cohort
              </Link>
            </p>
          </Notice>
        )}
      </div>
    );
  }

  const items = cohorts.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Notice title="No cohort is taking enrolments">
        <p>
          There is no open cohort of this course at the moment. <Link to="/cohorts/new">Create a cohort</Link>, publish
          it, then come back to enrol them.
        </p>
      </Notice>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (enrol.isPending) return;
    if (!cohortId) {
      setFieldError('Choose a cohort');
      return;
    }
    const cohort = items.find((c) => c.id === cohortId);
    if (!cohort) return;
    enrol.mutate({ cohortId, participantId }, { onSuccess: (enrolment) => setResult({ enrolment, cohort }) });
  };

  return (
    <Form
      className="form"
      onSubmit={onSubmit}
      validationBehavior="aria"
      validationErrors={fieldError ? { cohortId: fieldError } : {}}
      aria-label="Enrol into a cohort"
    >
      {enrol.isError ? (
        <Notice tone="error" title="Not enrolled">
          <p>{enrolError(enrol.error)}</p>
        </Notice>
      ) : null}
      <Select
        id="enrol-cohort"
        name="cohortId"
        label="Cohort"
        description="Cohorts of this course that are taking enrolments. A full cohort puts them on its waitlist."
        options={items.map((cohort) => ({ value: cohort.id, label: describeCohort(cohort) }))}
        value={cohortId}
        onChange={(value) => {
          setCohortId(value);
          setFieldError(null);
          enrol.reset();
        }}
      />
      <div className="form__actions">
        <Button type="submit" isPending={enrol.isPending} pendingLabel="Enrolling…">
          Enrol
        </Button>
      </div>
    </Form>
  );
}
