import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, type ApiRequestBody } from '../../../lib/api-client';
import { unwrap } from '../../../lib/problem';
import { partnerKeys } from './list-partners';

export type CreatePartnerInput = ApiRequestBody<'/v1/partners', 'post'>;

export function createPartner(input: CreatePartnerInput) {
  return unwrap(api.POST('/v1/partners', { body: input }));
}

export function useCreatePartner() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createPartner, onSuccess: () => void queryClient.invalidateQueries({ queryKey: partnerKeys.list() }) });
}
