import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { declarationKeys } from './list-participant-declarations';

export type DeclarationVersion = ApiResponse<'/v1/declaration-versions/current', 'get'>;

/** The wording a declaration for this course must be made under now (exactly as stored). */
export function getCurrentVersionQueryOptions(courseId: string) {
  return queryOptions({
    queryKey: declarationKeys.currentVersion(courseId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/declaration-versions/current', { params: { query: { courseId } }, signal })),
    staleTime: 5 * 60_000,
  });
}

export function useCurrentDeclarationVersion(courseId: string | null) {
  return useQuery({ ...getCurrentVersionQueryOptions(courseId ?? ''), enabled: Boolean(courseId) });
}
