import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type CoursePage = ApiResponse<'/v1/courses', 'get'>;
export type Course = CoursePage['items'][number];
export type CourseRules = Course['rules'];

const PAGE_SIZE = 25;

export const courseKeys = {
  all: ['courses'] as const,
  list: () => [...courseKeys.all, 'list'] as const,
  detail: (id: string) => [...courseKeys.all, 'detail', id] as const,
};

export function listCoursesQueryOptions() {
  return infiniteQueryOptions({
    queryKey: courseKeys.list(),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET('/v1/courses', {
          params: { query: { limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useCourses() {
  return useInfiniteQuery(listCoursesQueryOptions());
}
