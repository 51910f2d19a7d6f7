import { Link } from '@tanstack/react-router';
import { useCan } from '../../features/admin/components/admin-common';
import { CoursesList } from '../../features/courses/components/courses-list';
import { useDocumentTitle } from '../../lib/use-document-title';

export function CoursesPage() {
  useDocumentTitle('Courses');
  const mayAdd = useCan('courses:write');
  return (
    <>
      <h1>Courses</h1>
      <p className="lead">
        Each course sets the rules its cohorts follow: how many sessions, how many people, the fee, and when a
        cohort is checked for enough people. Open a course to see the declaration wording people are asked under.
      </p>
      {mayAdd ? (
        <p>
          <Link to="/courses/new" className="button button--primary">
            Add a course
          </Link>
        </p>
      ) : null}
      <CoursesList />
    </>
  );
}
