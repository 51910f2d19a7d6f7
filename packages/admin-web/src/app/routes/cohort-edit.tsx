import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useRef } from 'react';
import { Button } from '../../components/ui/button';
import { Loading } from '../../components/ui/loading';
import { Notice } from '../../components/ui/notice';
import { showToast } from '../../components/ui/toast';
import { useCohort } from '../../features/cohorts/api/get-cohort';
import type { Cohort } from '../../features/cohorts/api/list-cohorts';
import { PartlySavedError, useSaveCohort, type UpdateCohortInput } from '../../features/cohorts/api/update-cohort';
import { CohortForm } from '../../features/cohorts/components/cohort-form';
import { errorText } from '../../features/cohorts/components/form-errors';
import { useCourses } from '../../features/courses/api/list-courses';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/cohorts/$cohortId/edit');

export function EditCohortPage() {
  const { cohortId } = route.useParams();
  const navigate = useNavigate();
  const cohort = useCohort(cohortId);
  const courses = useCourses();
  const save = useSaveCohort();
  const partlySaved = useRef<Cohort | null>(null);
  useDocumentTitle(cohort.data ? `Change ${cohort.data.title}` : 'Change cohort');
  const back = () => void navigate({ to: '/cohorts/$cohortId', params: { cohortId } });

  const closed = cohort.data && (cohort.data.status === 'completed' || cohort.data.status === 'cancelled');

  return (
    <>
      <p className="back-link">
        <Link to="/cohorts/$cohortId" params={{ cohortId }}>
          Back to the cohort
        </Link>
      </p>
      <h1>{cohort.data ? `Change ${cohort.data.title}` : 'Change cohort'}</h1>
      {cohort.isPending || courses.isPending ? (
        <Loading label="Loading the cohort…" />
      ) : cohort.isError || courses.isError ? (
        <Notice tone="error" title="The cohort could not be loaded">
          <p>{errorText(cohort.error ?? courses.error, 'cohort')}</p>
          <Button variant="secondary" onPress={() => void Promise.all([cohort.refetch(), courses.refetch()])}>
            Try again
          </Button>
        </Notice>
      ) : closed ? (
        <Notice title="This cohort can no longer be changed">
          <p>A {cohort.data.status} cohort is kept as it was.</p>
        </Notice>
      ) : (
        <CohortForm
          key={cohort.data.version}
          courses={courses.data.pages.flatMap((p) => p.items)}
          cohort={cohort.data}
          isPending={save.isPending}
          submitLabel="Save changes"
          pendingLabel="Saving…"
          onCancel={back}
          onSubmit={async (s) => {
            // After a save that kept the details but not the schedule, the next try starts from what was saved.
            const current = partlySaved.current?.id === cohort.data.id ? partlySaved.current : cohort.data;
            const details: UpdateCohortInput = {};
            if (s.title !== current.title) details.title = s.title;
            if (s.deliveryMode !== current.deliveryMode) details.deliveryMode = s.deliveryMode;
            if (s.venue !== current.venue) details.venue = s.venue;
            if (s.joiningLink !== current.joiningLink) details.joiningLink = s.joiningLink;
            if (s.minParticipants !== undefined && s.minParticipants !== current.minParticipants) details.minParticipants = s.minParticipants;
            if (s.maxParticipants !== undefined && s.maxParticipants !== current.maxParticipants) details.maxParticipants = s.maxParticipants;
            try {
              await save.mutateAsync({ cohort: current, details, sessions: s.scheduleChanged ? { sessions: s.sessions } : null });
            } catch (err) {
              if (!(err instanceof PartlySavedError)) throw err;
              partlySaved.current = err.saved;
              showToast('The details were saved, but not the new sessions: see what needs changing below.', 'error');
              throw err.cause;
            }
            partlySaved.current = null;
            showToast('Changes saved.');
            back();
          }}
        />
      )}
    </>
  );
}
