import { CoursesList } from '../../features/courses/components/courses-list';
import { useDocumentTitle } from '../../lib/use-document-title';

export function CoursesPage() {
  useDocumentTitle('Courses');
  return (
    <>
      <h1>Courses</h1>
      <p className="lead">
        Each course sets the rules its cohorts follow: how many sessions, how many people, the fee, and when a
        cohort is checked for enough people.
      </p>
      <CoursesList />
    </>
  );
}
