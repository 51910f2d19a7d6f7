// The top of a cohort's page: when and how it runs, how full it is, and what can be done next.
import { can, formatLondon, type StaffRole } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { RaiseConcernButton } from '../../safeguarding/components/raise-concern-button';
import { Notice } from '../../../components/ui/notice';
import { showToast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/problem';
import type { Course } from '../../courses/api/list-courses';
import { formatParticipants } from '../../courses/components/format-rules';
import { useCompleteCohort, usePublishCohort } from '../api/change-cohort-status';
import { useDownloadCohortFile, type CohortFile } from '../api/download-cohort-file';
import type { Cohort } from '../api/list-cohorts';
import { DELIVERY_LABELS, seatsText } from '../labels';
import { londonTime } from '../london-time';
import { CancelCohortDialog } from './cancel-cohort-dialog';
import { CohortStatusTag } from './cohort-status-tag';
import { FacilitatorsDialog } from './facilitators-dialog';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { errorText } from './form-errors';

function problemsOf(error: unknown): string[] {
  if (error instanceof ApiError && error.problem.errors?.length) return error.problem.errors.map((e) => e.message);
  return [errorText(error, 'cohort')];
}

export interface CohortOverviewProps {
  cohort: Cohort;
  course?: Course;
  roles: readonly StaffRole[];
  paidCount: number | null;
}

export function CohortOverview({ cohort, course, roles, paidCount }: CohortOverviewProps) {
  const publish = usePublishCohort();
  const complete = useCompleteCohort();
  const download = useDownloadCohortFile();
  const [cancelOpen, setCancelOpen] = useState(false);
  const [completeOpen, setCompleteOpen] = useState(false);
  const [facilitatorsOpen, setFacilitatorsOpen] = useState(false);
  const canWrite = can(roles, 'cohorts:write');
  const canExport = can(roles, 'roster:export');
  const editable = cohort.status !== 'completed' && cohort.status !== 'cancelled';
  const cancellable = ['draft', 'open', 'confirmed'].includes(cohort.status);

  const save = (file: CohortFile) =>
    download.mutate(
      { cohortId: cohort.id, file },
      {
        onSuccess: (name) => showToast(`Downloaded ${name}.`),
        onError: (error) => showToast(`The file could not be downloaded. ${errorText(error, 'cohort')}`, 'error'),
      },
    );

  return (
    <>
      <div className="cohort-head">
        <CohortStatusTag status={cohort.status} atRisk={cohort.atRisk} />
      </div>

      {cohort.atRisk ? (
        <Notice tone="warning" title="This cohort is at risk">
          <p>
            It has {cohort.seatsTaken} of the {cohort.minParticipants} people it needs, and its first session is close. Consider
            cancelling it, or moving the people on it to another cohort.
          </p>
        </Notice>
      ) : null}
      {cohort.status === 'cancelled' ? (
        <Notice title="This cohort was cancelled">
          <p>
            {cohort.cancelledAt ? `${formatLondon(cohort.cancelledAt)}. ` : ''}Reason: {cohort.cancelReason ?? 'not given'}
          </p>
        </Notice>
      ) : null}
      {publish.isError ? (
        <Notice tone="error" title="The cohort could not be published">
          <ul>
            {problemsOf(publish.error).map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
          <p>
            <Link to="/cohorts/$cohortId/edit" params={{ cohortId: cohort.id }}>
              Change the cohort
            </Link>{' '}
            to put this right, then publish it.
          </p>
        </Notice>
      ) : null}
      {complete.isError ? (
        <Notice tone="error" title="The cohort could not be marked as completed">
          <p>{errorText(complete.error, 'cohort')}</p>
        </Notice>
      ) : null}

      <dl className="summary-list">
        <div>
          <dt>Seats</dt>
          <dd>
            {seatsText(cohort)} ({cohort.seatsFree} free). Needs {formatParticipants(cohort)}.
          </dd>
        </div>
        <div>
          <dt>Waiting</dt>
          <dd>
            {cohort.waitlistCount === 0 ? 'Nobody' : `${cohort.waitlistCount} ${cohort.waitlistCount === 1 ? 'person' : 'people'}`}
            {cohort.offeredCount > 0
              ? `; ${cohort.offeredCount} ${cohort.offeredCount === 1 ? 'person has' : 'people have'} been offered a seat`
              : ''}
          </dd>
        </div>
        <div>
          <dt>Delivery</dt>
          <dd>
            {DELIVERY_LABELS[cohort.deliveryMode]}
            {cohort.deliveryMode === 'online' ? (
              <>: {cohort.joiningLink ?? <em>no joining link yet</em>}</>
            ) : (
              <>: {cohort.venue ?? <em>no venue yet</em>}</>
            )}
          </dd>
        </div>
        {course ? (
          <div>
            <dt>Course</dt>
            <dd>{course.name}</dd>
          </div>
        ) : null}
        <div>
          <dt>Enrolment closes</dt>
          <dd>{cohort.enrolmentDeadline ? formatLondon(cohort.enrolmentDeadline) : 'When the first session starts'}</dd>
        </div>
        {cohort.facilitators.length > 0 || (canWrite && editable) ? (
          <div>
            <dt>Facilitators</dt>
            <dd>
              {cohort.facilitators.length > 0 ? cohort.facilitators.map((f) => f.name).join(', ') : 'None yet'}
              {canWrite && editable ? (
                <>
                  {' '}
                  <Button variant="link" onPress={() => setFacilitatorsOpen(true)} aria-label="Change the facilitators">
                    Change
                  </Button>
                </>
              ) : null}
            </dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="sessions-heading" className="section">
        <h2 id="sessions-heading">Sessions</h2>
        {cohort.sessions.length === 0 ? (
          <p>No sessions yet.</p>
        ) : (
          <ol className="sessions-list">
            {cohort.sessions.map((s) => (
              <li key={s.id}>
                <span className="strong">Session {s.position}:</span> {formatLondon(s.startsAt)} to {londonTime(s.endsAt)}
              </li>
            ))}
          </ol>
        )}
      </section>

      <div className="action-bar" role="group" aria-label="Cohort actions">
        {canWrite && cohort.status === 'draft' ? (
          <Button
            onPress={() =>
              publish.mutate(cohort, { onSuccess: (c) => showToast(`“${c.title}” is published and open for enrolment.`) })
            }
            isPending={publish.isPending}
            pendingLabel="Publishing…"
          >
            Publish
          </Button>
        ) : null}
        {canWrite && editable ? (
          <Link to="/cohorts/$cohortId/edit" params={{ cohortId: cohort.id }} className="button button--secondary">
            Change details
          </Link>
        ) : null}
        {canExport ? (
          <Button variant="secondary" onPress={() => save('roster.csv')} isPending={download.isPending && download.variables?.file === 'roster.csv'} pendingLabel="Downloading…">
            Download roster (CSV)
          </Button>
        ) : null}
        <Button variant="secondary" onPress={() => save('calendar.ics')} isPending={download.isPending && download.variables?.file === 'calendar.ics'} pendingLabel="Downloading…">
          Download calendar file
        </Button>
        {can(roles, 'safeguarding:raise') ? <RaiseConcernButton cohort={cohort} /> : null}
        {canWrite && cohort.status === 'in_progress' ? (
          <Button variant="secondary" onPress={() => setCompleteOpen(true)}>
            Mark cohort completed
          </Button>
        ) : null}
        {canWrite && cancellable ? (
          <Button variant="secondary" onPress={() => setCancelOpen(true)}>
            Cancel cohort
          </Button>
        ) : null}
      </div>

      {facilitatorsOpen ? <FacilitatorsDialog cohort={cohort} isOpen={facilitatorsOpen} onOpenChange={setFacilitatorsOpen} /> : null}
      <CancelCohortDialog cohort={cohort} paidCount={paidCount} isOpen={cancelOpen} onOpenChange={setCancelOpen} />
      <ConfirmDialog
        isOpen={completeOpen}
        onOpenChange={setCompleteOpen}
        title={`Mark ${cohort.title} as completed?`}
        confirmLabel="Mark completed"
        pendingLabel="Saving…"
        onConfirm={() =>
          complete.mutate(cohort, {
            onSuccess: () => {
              showToast('Cohort marked as completed.');
              setCompleteOpen(false);
            },
            onError: () => setCompleteOpen(false),
          })
        }
        isPending={complete.isPending}
      >
        <p>The cohort is closed: its details can no longer be changed.</p>
      </ConfirmDialog>
    </>
  );
}
