import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { ParticipantDetails } from '../../features/participants/components/participant-details';

const route = getRouteApi('/signed-in/participants/$participantId');

export function ParticipantPage() {
  const { participantId } = route.useParams();
  const { action } = route.useSearch();
  const navigate = useNavigate();
  return (
    <ParticipantDetails
      participantId={participantId}
      action={action}
      onAction={(next) =>
        void navigate({ to: '/participants/$participantId', params: { participantId }, search: next ? { action: next } : {} })
      }
    />
  );
}
