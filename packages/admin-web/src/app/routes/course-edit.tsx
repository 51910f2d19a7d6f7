import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { QueryState } from '../../components/ui/query-state';
import { showToast } from '../../components/ui/toast';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { errorText } from '../../features/cohorts/components/form-errors';
import { useCourse } from '../../features/courses/api/get-course';
import { useUpdateCourse } from '../../features/courses/api/save-course';
import { CourseForm, courseChanges } from '../../features/courses/components/course-form';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/courses/$courseId/edit');

export function EditCoursePage() {
  const { courseId } = route.useParams();
  const navigate = useNavigate();
  const course = useCourse(courseId);
  const save = useUpdateCourse(courseId);
  const title = course.data ? `Change ${course.data.name}` : 'Change course';
  useDocumentTitle(title);
  const back = () => navigate({ to: '/courses/$courseId', params: { courseId } });

  return (
    <>
      <p className="back-link">
        <Link to="/courses/$courseId" params={{ courseId }}>
          Back to the course
        </Link>
      </p>
      <h1>{title}</h1>
      <RequirePermission action="courses:write">
        <QueryState query={course} loadingLabel="Loading the course…" errorTitle="The course could not be loaded" errorMessage={(e) => errorText(e, 'course')}>
          {(data) => (
            <CourseForm
              key={data.updatedAt}
              course={data}
              isPending={save.isPending}
              submitLabel="Save changes"
              pendingLabel="Saving…"
              onCancel={() => void back()}
              onSubmit={async (s) => {
                const changes = courseChanges(data, s);
                if (changes) {
                  await save.mutateAsync(changes);
                  showToast('Changes saved.');
                } else {
                  showToast('Nothing was changed.');
                }
                await back();
              }}
            />
          )}
        </QueryState>
      </RequirePermission>
    </>
  );
}
