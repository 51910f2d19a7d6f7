import { getRouteApi, Link } from '@tanstack/react-router';
import { LoadError } from '../../components/ui/load-error';
import { Loading } from '../../components/ui/loading';
import { useCan } from '../../features/admin/components/admin-common';
import { errorText } from '../../features/cohorts/components/form-errors';
import { useCourse } from '../../features/courses/api/get-course';
import { CourseRulesList, CourseWording } from '../../features/courses/components/course-details';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/courses/$courseId');

export function CoursePage() {
  const { courseId } = route.useParams();
  const course = useCourse(courseId);
  const mayChange = useCan('courses:write');
  useDocumentTitle(course.data?.name ?? 'Course');

  return (
    <>
      <p className="back-link">
        <Link to="/courses">Back to courses</Link>
      </p>
      {course.isPending ? (
        <Loading label="Loading the course…" />
      ) : course.isError ? (
        <>
          <h1>Course</h1>
          <LoadError
            title="The course could not be loaded"
            message={errorText(course.error, 'course')}
            onRetry={() => void course.refetch()}
            isRetrying={course.isRefetching}
          />
        </>
      ) : (
        <>
          <h1>{course.data.name}</h1>
          {course.data.description ? <p className="lead">{course.data.description}</p> : null}
          <section aria-labelledby="rules-heading" className="section">
            <h2 id="rules-heading">Rules</h2>
            <CourseRulesList course={course.data} />
            {mayChange ? (
              <p>
                <Link to="/courses/$courseId/edit" params={{ courseId }} className="button button--secondary">
                  Change the course
                </Link>
              </p>
            ) : null}
          </section>
          <CourseWording courseId={courseId} />
        </>
      )}
    </>
  );
}
