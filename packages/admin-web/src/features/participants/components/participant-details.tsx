// One participant's page: their details, where their eligibility stands, recording a declaration,
// enrolling them, and every declaration they have made.
import { PREFERRED_CONTACT_LABELS, RELATIONSHIP_LABELS, can, formatLondon } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { Select } from '../../../components/ui/select';
import { showToast } from '../../../components/ui/toast';
import { ApiError } from '../../../lib/problem';
import { describeProblem } from '../../../lib/form-errors';
import { useSession } from '../../../lib/session';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { useCourses } from '../../courses/api/list-courses';
import { DeclarationForm } from '../../declarations/components/declaration-form';
import { DeclarationHistory } from '../../declarations/components/declaration-history';
import { OutcomeBadge, ReasonList } from '../../declarations/components/eligibility-outcome';
import { useParticipant, type Participant } from '../api/get-participant';
import { DataProtectionPanel } from './data-protection-panel';
import { EnrolPanel } from './enrol-panel';
import { ParticipantEnrolments } from './participant-enrolments';
import { ParticipantForm } from './participant-form';

export type ParticipantAction = 'declare' | 'edit';

export interface ParticipantDetailsProps {
  participantId: string;
  action: ParticipantAction | undefined;
  onAction: (action: ParticipantAction | undefined) => void;
}

export function ParticipantDetails({ participantId, action, onAction }: ParticipantDetailsProps) {
  const participant = useParticipant(participantId);
  useDocumentTitle(participant.data ? `${participant.data.firstName} ${participant.data.lastName}` : 'Participant');

  if (participant.isPending) return <Loading label="Loading the participant…" />;
  if (participant.isError) {
    const missing = participant.error instanceof ApiError && participant.error.status === 404;
    return (
      <>
        <h1>{missing ? 'Participant not found' : 'Participant'}</h1>
        <Notice tone="error" title={missing ? undefined : 'The participant could not be loaded'}>
          <p>
            {missing
              ? 'There is no participant at this address. They may have been erased.'
              : describeProblem(participant.error, 'The participant could not be loaded')}
          </p>
          {missing ? (
            <p>
              <Link to="/participants">Search participants</Link>
            </p>
          ) : (
            <Button variant="secondary" onPress={() => void participant.refetch()} isPending={participant.isRefetching}>
              Try again
            </Button>
          )}
        </Notice>
      </>
    );
  }
  return <ParticipantPageContent participant={participant.data} action={action} onAction={onAction} />;
}

function ParticipantPageContent({
  participant,
  action,
  onAction,
}: {
  participant: Participant;
  action: ParticipantAction | undefined;
  onAction: (action: ParticipantAction | undefined) => void;
}) {
  const session = useSession();
  const roles = session.status === 'signed-in' ? session.user.roles : [];
  const courses = useCourses();
  const courseList = courses.data?.pages.flatMap((page) => page.items) ?? [];
  const [chosenCourseId, setChosenCourseId] = useState<string | null>(null);
  const course = courseList.find((c) => c.id === chosenCourseId) ?? (courseList.length === 1 ? courseList[0] : undefined);
  const name = `${participant.firstName} ${participant.lastName}`;
  const latest = participant.latestDeclaration;

  return (
    <>
      <p className="breadcrumb">
        <Link to="/participants">Participants</Link>
      </p>
      <div className="page-heading">
        <h1>{name}</h1>
        <OutcomeBadge outcome={latest?.outcome ?? null} />
      </div>

      <section aria-labelledby="details-heading" className="section">
        <h2 id="details-heading">Details</h2>
        {action === 'edit' ? (
          <ParticipantForm
            participant={participant}
            onSaved={() => {
              showToast('Details saved');
              onAction(undefined);
            }}
            onCancel={() => onAction(undefined)}
          />
        ) : (
          <>
            <dl className="summary-list">
              <div>
                <dt>E-mail address</dt>
                <dd>{participant.email}</dd>
              </div>
              <div>
                <dt>Phone</dt>
                <dd>{participant.phone ?? 'Not given'}</dd>
              </div>
              <div>
                <dt>Relationship to the person accused</dt>
                <dd>{RELATIONSHIP_LABELS[participant.relationship]}</dd>
              </div>
              <div>
                <dt>Preferred contact</dt>
                <dd>{PREFERRED_CONTACT_LABELS[participant.preferredContact]}</dd>
              </div>
              <div>
                <dt>Added</dt>
                <dd>{formatLondon(participant.createdAt)}</dd>
              </div>
            </dl>
            {can(roles, 'participants:write') ? (
              <Button variant="secondary" onPress={() => onAction('edit')}>
                Change details
              </Button>
            ) : null}
          </>
        )}
      </section>

      <section aria-labelledby="eligibility-heading" className="section">
        <h2 id="eligibility-heading">Eligibility</h2>
        {latest ? (
          <div className="eligibility-summary">
            <p>
              Latest declaration: <OutcomeBadge outcome={latest.outcome} />, made {formatLondon(latest.createdAt)} under
              version {latest.version} of the wording.
            </p>
            <ReasonList reasons={latest.reasons} />
            {latest.outcome === 'needs_review' && can(roles, 'declarations:review') ? (
              <p>
                <Link to="/reviews">Resolve it in the reviews queue</Link>
              </p>
            ) : null}
          </div>
        ) : (
          <p>No declaration yet. They need one before they can be enrolled.</p>
        )}

        {courses.isPending ? <Loading label="Loading courses…" /> : null}
        {courses.isError ? (
          <Notice tone="error">
            <p>{describeProblem(courses.error, 'Courses could not be loaded')}</p>
          </Notice>
        ) : null}
        {courseList.length > 1 ? (
          <Select
            id="participant-course"
            name="courseId"
            label="Course"
            options={courseList.map((c) => ({ value: c.id, label: c.name }))}
            value={course?.id ?? null}
            onChange={setChosenCourseId}
          />
        ) : null}

        {action === 'declare' && course ? (
          <section aria-labelledby="declare-heading" className="panel">
            <h3 id="declare-heading">Record a declaration</h3>
            <DeclarationForm
              participantId={participant.id}
              courseId={course.id}
              courseName={course.name}
              onSaved={(declaration) =>
                showToast(`Declaration saved: ${declaration.outcome === 'needs_review' ? 'needs review' : declaration.outcome}`)
              }
              onCancel={() => onAction(undefined)}
            />
          </section>
        ) : can(roles, 'declarations:write') && course ? (
          <Button onPress={() => onAction('declare')}>{latest ? 'Record a new declaration' : 'Record a declaration'}</Button>
        ) : null}
      </section>

      {can(roles, 'enrolments:read') ? (
        <section aria-labelledby="enrolments-heading" className="section">
          <h2 id="enrolments-heading">Enrolments</h2>
          <ParticipantEnrolments participantId={participant.id} />
        </section>
      ) : null}

      {course && can(roles, 'enrolments:write') ? (
        <section aria-labelledby="enrol-heading" className="section">
          <h2 id="enrol-heading">Enrol into a cohort</h2>
          {latest?.outcome === 'eligible' ? (
            <EnrolPanel participantId={participant.id} participantName={name} courseId={course.id} />
          ) : (
            <p>Only someone whose latest declaration is eligible can be enrolled.</p>
          )}
        </section>
      ) : null}

      <section aria-labelledby="history-heading" className="section">
        <h2 id="history-heading">Declarations</h2>
        <DeclarationHistory participantId={participant.id} />
      </section>

      <DataProtectionPanel participant={participant} roles={roles} />
    </>
  );
}
