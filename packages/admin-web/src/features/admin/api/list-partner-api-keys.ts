import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, type ApiResponse } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { partnerKeys } from './list-partners';

export type PartnerApiKey = ApiResponse<'/v1/partners/{id}/api-keys', 'get'>['items'][number];

export function listPartnerApiKeysQueryOptions(partnerId: string) {
  return queryOptions({
    queryKey: partnerKeys.keys(partnerId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/v1/partners/{id}/api-keys', { params: { path: { id: partnerId }, query: { limit: 100 } }, signal })),
  });
}

export function usePartnerApiKeys(partnerId: string) {
  return useQuery(listPartnerApiKeysQueryOptions(partnerId));
}
