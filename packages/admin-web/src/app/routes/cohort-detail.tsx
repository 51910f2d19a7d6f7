import { getRouteApi, Link } from '@tanstack/react-router';
import { useQuery } from '@tanstack/react-query';
import { Button } from '../../components/ui/button';
import { Loading } from '../../components/ui/loading';
import { Notice } from '../../components/ui/notice';
import { useCohort } from '../../features/cohorts/api/get-cohort';
import { CohortOverview } from '../../features/cohorts/components/cohort-overview';
import { errorText } from '../../features/cohorts/components/form-errors';
import { useCourses } from '../../features/courses/api/list-courses';
import { listCohortEnrolmentsQueryOptions } from '../../features/enrolments/api/list-cohort-enrolments';
import { CohortEnrolments } from '../../features/enrolments/components/cohort-enrolments';
import { useSession } from '../../lib/session';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/cohorts/$cohortId');

export function CohortPage() {
  const { cohortId } = route.useParams();
  const cohort = useCohort(cohortId);
  const courses = useCourses();
  const roster = useQuery(listCohortEnrolmentsQueryOptions(cohortId));
  const session = useSession();
  const roles = session.status === 'signed-in' ? session.user.roles : [];
  useDocumentTitle(cohort.data?.title ?? 'Cohort');

  const course = courses.data?.pages.flatMap((p) => p.items).find((c) => c.id === cohort.data?.courseId);
  const paidCount = roster.data
    ? roster.data.filter((e) => ['confirmed', 'offered', 'waitlisted'].includes(e.status) && e.paymentStatus === 'paid').length
    : null;

  return (
    <>
      <p className="back-link">
        <Link to="/cohorts">Back to cohorts</Link>
      </p>
      {cohort.isPending ? (
        <>
          <h1>Cohort</h1>
          <Loading label="Loading the cohort…" />
        </>
      ) : cohort.isError ? (
        <>
          <h1>Cohort</h1>
          <Notice tone="error" title="The cohort could not be loaded">
            <p>{errorText(cohort.error, 'cohort')}</p>
            <Button variant="secondary" onPress={() => void cohort.refetch()}>
              Try again
            </Button>
          </Notice>
        </>
      ) : (
        <>
          <h1>{cohort.data.title}</h1>
          <CohortOverview cohort={cohort.data} course={course} roles={roles} paidCount={paidCount} />
          <CohortEnrolments cohort={cohort.data} roles={roles} offerHours={course?.rules.offerHours} />
        </>
      )}
    </>
  );
}
