import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';

export type AuditEvent = ApiResponse<'/v1/audit-events', 'get'>['items'][number];

export interface AuditFilters {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorId?: string;
}

export function listAuditEventsQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: ['audit-events', 'list', filters] as const,
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET('/v1/audit-events', { params: { query: { limit: 50, ...filters, ...(pageParam ? { cursor: pageParam } : {}) } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
  });
}

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery(listAuditEventsQueryOptions(filters));
}
