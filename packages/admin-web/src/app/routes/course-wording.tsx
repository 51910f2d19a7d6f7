import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { QueryState } from '../../components/ui/query-state';
import { showToast } from '../../components/ui/toast';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { errorText } from '../../features/cohorts/components/form-errors';
import { useCourse } from '../../features/courses/api/get-course';
import { usePublishDeclarationVersion } from '../../features/declarations/api/create-declaration-version';
import { useCurrentDeclarationVersion } from '../../features/declarations/api/get-current-version';
import { WordingForm } from '../../features/declarations/components/wording-form';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/courses/$courseId/wording');

export function CourseWordingPage() {
  const { courseId } = route.useParams();
  const navigate = useNavigate();
  const course = useCourse(courseId);
  const current = useCurrentDeclarationVersion(courseId);
  const publish = usePublishDeclarationVersion();
  useDocumentTitle('New declaration wording');
  const back = () => navigate({ to: '/courses/$courseId', params: { courseId } });

  return (
    <>
      <p className="back-link">
        <Link to="/courses/$courseId" params={{ courseId }}>
          Back to the course
        </Link>
      </p>
      <h1>New declaration wording{course.data ? ` for ${course.data.name}` : ''}</h1>
      <RequirePermission action="declaration_versions:write">
        <p className="lead">
          Every version is kept: each declaration stays linked to the exact words the person answered. The new version is used
          for every declaration from the moment it is published.
        </p>
        <QueryState
          query={current}
          loadingLabel="Loading the current wording…"
          errorTitle="The current wording could not be loaded"
          errorMessage={(e) => errorText(e, 'course')}
        >
          {(wording) => (
            <WordingForm
              key={wording.id}
              courseId={courseId}
              current={wording}
              isPending={publish.isPending}
              onCancel={() => void back()}
              onSubmit={async (body) => {
                const version = await publish.mutateAsync(body);
                showToast(`Version ${version.version} of the wording is now in use.`);
                await back();
              }}
            />
          )}
        </QueryState>
      </RequirePermission>
    </>
  );
}
