import { Link, useNavigate } from '@tanstack/react-router';
import { showToast } from '../../components/ui/toast';
import { ParticipantForm } from '../../features/participants/components/participant-form';
import { useDocumentTitle } from '../../lib/use-document-title';

export function NewParticipantPage() {
  useDocumentTitle('Add a participant');
  const navigate = useNavigate();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/participants">Participants</Link>
      </p>
      <h1>Add a participant</h1>
      <p className="lead">
        Their details only. You will record their declaration next. If your session ends while you type, what you
        have entered is kept in this browser tab until you sign in again.
      </p>
      <ParticipantForm
        onSaved={(participant) => {
          showToast(`${participant.firstName} ${participant.lastName} added`);
          void navigate({
            to: '/participants/$participantId',
            params: { participantId: participant.id },
            search: { action: 'declare' },
          });
        }}
        onCancel={() => void navigate({ to: '/participants' })}
      />
    </>
  );
}
