import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { courseKeys } from './list-courses';

export type CreateCourseInput = ApiRequestBody<'/v1/courses', 'post'>;
export type UpdateCourseInput = ApiRequestBody<'/v1/courses/{id}', 'patch'>;

/** A new course (admin). The list is fetched again, so the new course shows there. */
export function useCreateCourse() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCourseInput) => unwrap(api.POST('/v1/courses', { body })),
    onSuccess: (course) => {
      queryClient.setQueryData(courseKeys.detail(course.id), course);
      return queryClient.invalidateQueries({ queryKey: courseKeys.list() });
    },
  });
}

/** A change of a course's name, description or rules (admin); only what changed is sent. */
export function useUpdateCourse(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateCourseInput) => unwrap(api.PATCH('/v1/courses/{id}', { params: { path: { id } }, body })),
    onSuccess: (course) => {
      queryClient.setQueryData(courseKeys.detail(course.id), course);
      return queryClient.invalidateQueries({ queryKey: courseKeys.list() });
    },
  });
}
