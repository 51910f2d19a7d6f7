import { Link, useNavigate } from '@tanstack/react-router';
import { showToast } from '../../components/ui/toast';
import { RequirePermission } from '../../features/admin/components/admin-common';
import { useCreateCourse } from '../../features/courses/api/save-course';
import { CourseForm } from '../../features/courses/components/course-form';
import { useDocumentTitle } from '../../lib/use-document-title';

export function NewCoursePage() {
  useDocumentTitle('New course');
  const navigate = useNavigate();
  const create = useCreateCourse();

  return (
    <>
      <p className="back-link">
        <Link to="/courses">Back to courses</Link>
      </p>
      <h1>New course</h1>
      <RequirePermission action="courses:write">
        <p className="lead">
          Its rules apply to every cohort of the course. Its declaration starts with the standard wording, which you can change
          once the course is added.
        </p>
        <CourseForm
          isPending={create.isPending}
          submitLabel="Add the course"
          pendingLabel="Adding…"
          onCancel={() => void navigate({ to: '/courses' })}
          onSubmit={async (s) => {
            const course = await create.mutateAsync(s);
            showToast(`“${course.name}” added.`);
            await navigate({ to: '/courses/$courseId', params: { courseId: course.id } });
          }}
        />
      </RequirePermission>
    </>
  );
}
