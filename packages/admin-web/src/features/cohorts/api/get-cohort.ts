import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { cohortKeys } from './list-cohorts';

export function getCohortQueryOptions(id: string) {
  return queryOptions({
    queryKey: cohortKeys.detail(id),
    queryFn: ({ signal }) => unwrap(api.GET('/v1/cohorts/{id}', { params: { path: { id } }, signal })),
  });
}

export function useCohort(id: string) {
  return useQuery(getCohortQueryOptions(id));
}

/** The ETag the API gives a cohort: its version, quoted. */
export function etagOf(cohort: { version: number }): string {
  return `"${cohort.version}"`;
}
