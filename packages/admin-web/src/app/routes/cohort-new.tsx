import { Link, useNavigate } from '@tanstack/react-router';
import { Button } from '../../components/ui/button';
import { Loading } from '../../components/ui/loading';
import { Notice } from '../../components/ui/notice';
import { showToast } from '../../components/ui/toast';
import { useCreateCohort } from '../../features/cohorts/api/create-cohort';
import { CohortForm } from '../../features/cohorts/components/cohort-form';
import { errorText } from '../../features/cohorts/components/form-errors';
import { useCourses } from '../../features/courses/api/list-courses';
import { useDocumentTitle } from '../../lib/use-document-title';

export function NewCohortPage() {
  useDocumentTitle('New cohort');
  const navigate = useNavigate();
  const courses = useCourses();
  const create = useCreateCohort();

  return (
    <>
      <p className="back-link">
        <Link to="/cohorts">Back to cohorts</Link>
      </p>
      <h1>New cohort</h1>
      <p className="lead">
        The cohort is saved as a draft. Nobody can enrol until you publish it, and you can change it until then.
      </p>
      {courses.isPending ? (
        <Loading label="Loading the course rules…" />
      ) : courses.isError ? (
        <Notice tone="error" title="The course rules could not be loaded">
          <p>{errorText(courses.error, 'course')}</p>
          <Button variant="secondary" onPress={() => void courses.refetch()}>
            Try again
          </Button>
        </Notice>
      ) : courses.data.pages[0]?.items.length === 0 ? (
        <Notice title="There is no course yet">
          <p>An administrator needs to add a course before cohorts can be planned.</p>
        </Notice>
      ) : (
        <CohortForm
          courses={courses.data.pages.flatMap((p) => p.items)}
          isPending={create.isPending}
          submitLabel="Save as a draft"
          pendingLabel="Saving…"
          onCancel={() => void navigate({ to: '/cohorts' })}
          onSubmit={async (s) => {
            const cohort = await create.mutateAsync({
              courseId: s.courseId,
              title: s.title,
              deliveryMode: s.deliveryMode,
              venue: s.venue,
              joiningLink: s.joiningLink,
              ...(s.minParticipants === undefined ? {} : { minParticipants: s.minParticipants }),
              ...(s.maxParticipants === undefined ? {} : { maxParticipants: s.maxParticipants }),
              sessions: s.sessions,
            });
            showToast(`“${cohort.title}” saved as a draft. Publish it when it is ready.`);
            await navigate({ to: '/cohorts/$cohortId', params: { cohortId: cohort.id } });
          }}
        />
      )}
    </>
  );
}
