import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { courseKeys } from './list-courses';

export function getCourseQueryOptions(id: string) {
  return queryOptions({
    queryKey: courseKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/v1/courses/{id}', { params: { path: { id } }, signal })),
  });
}

export function useCourse(id: string) {
  return useQuery(getCourseQueryOptions(id));
}
