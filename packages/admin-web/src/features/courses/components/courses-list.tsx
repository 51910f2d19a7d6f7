import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { ApiError } from '../../../lib/problem';
import { useCourses } from '../api/list-courses';
import { CoursesTable } from './courses-table';

function errorMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 403) {
    return error.code === 'MFA_SETUP_REQUIRED'
      ? 'Your account needs two-step verification set up before you can see courses.'
      : 'Your account does not have access to courses. Please speak to your Harbour administrator.';
  }
  if (error instanceof ApiError && error.status < 500) return error.problem.detail || error.problem.title;
  return 'Something went wrong on our side. Please try again in a moment.';
}

/** The courses page's content: loading, error, empty, or the table (with more pages on request). */
export function CoursesList() {
  const courses = useCourses();

  if (courses.isPending) return <Loading label="Loading courses…" />;

  if (courses.isError) {
    return (
      <Notice tone="error" title="Courses could not be loaded">
        <p>{errorMessage(courses.error)}</p>
        <Button variant="secondary" onPress={() => void courses.refetch()} isPending={courses.isRefetching}>
          Try again
        </Button>
      </Notice>
    );
  }

  const items = courses.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Notice title="There are no courses yet">
        <p>When an administrator adds a course, it will be listed here with its rules.</p>
      </Notice>
    );
  }

  return (
    <>
      <CoursesTable courses={items} />
      {courses.hasNextPage ? (
        <div className="list-more">
          <Button
            variant="secondary"
            onPress={() => void courses.fetchNextPage()}
            isPending={courses.isFetchingNextPage}
            pendingLabel="Loading more courses…"
          >
            Show more courses
          </Button>
        </div>
      ) : null}
      {courses.isFetchNextPageError ? (
        <Notice tone="error">
          <p>More courses could not be loaded. Please try again.</p>
        </Notice>
      ) : null}
    </>
  );
}
