import { getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Button } from '../../components/ui/button';
import { Loading } from '../../components/ui/loading';
import { Notice } from '../../components/ui/notice';
import { showToast } from '../../components/ui/toast';
import { ParticipantForm } from '../../features/participants/components/participant-form';
import { useReferral } from '../../features/referrals/api/get-referral';
import { describeProblem } from '../../lib/form-errors';
import { useDocumentTitle } from '../../lib/use-document-title';

const route = getRouteApi('/signed-in/participants/new');

export function NewParticipantPage() {
  useDocumentTitle('Add a participant');
  const navigate = useNavigate();
  const { referralId } = route.useSearch();
  const referral = useReferral(referralId);
  const person = referral.data?.person;

  return (
    <>
      <p className="breadcrumb">
        {referralId ? <Link to="/referrals">Referrals</Link> : <Link to="/participants">Participants</Link>}
      </p>
      <h1>Add a participant</h1>
      <p className="lead">
        Their details only. You will record their declaration next. If your session ends while you type, what you
        have entered is kept in this browser tab until you sign in again.
      </p>
      {referralId && referral.isPending ? <Loading label="Loading the referral…" /> : null}
      {referralId && referral.isError ? (
        <Notice tone="error" title="The referral could not be loaded">
          <p>{describeProblem(referral.error, 'The referral could not be loaded')}</p>
          <Button variant="secondary" onPress={() => void referral.refetch()} isPending={referral.isRefetching}>
            Try again
          </Button>
        </Notice>
      ) : null}
      {referral.data ? (
        <Notice title={`From a referral by ${referral.data.partner.name}`}>
          <p>The form starts with what the referral says. Check the details with them, and add an e-mail address if it is missing.</p>
        </Notice>
      ) : null}
      {!referralId || referral.data ? (
        <ParticipantForm
          key={referralId ?? 'new'}
          draftKey={referralId ? `participant:new:referral:${referralId}` : undefined}
          initial={
            person && referral.data
              ? { firstName: person.firstName, lastName: person.lastName, email: person.email ?? '', phone: person.phone ?? '', relationship: referral.data.relationship }
              : undefined
          }
          onSaved={(participant) => {
            const name = `${participant.firstName} ${participant.lastName}`;
            if (referralId) {
              // Back to the inbox: record their declaration and enrol them, then mark the referral enrolled.
              showToast(`${name} added from the referral`);
              void navigate({ to: '/referrals' });
              return;
            }
            showToast(`${name} added`);
            void navigate({
              to: '/participants/$participantId',
              params: { participantId: participant.id },
              search: { action: 'declare' },
            });
          }}
          onCancel={() => void navigate({ to: referralId ? '/referrals' : '/participants' })}
        />
      ) : null}
    </>
  );
}
