// Safeguarding concerns, for safeguarding leads (and admins): read, and resolve with a note.
import { ResolveSafeguardingConcernBodySchema, SAFEGUARDING_STATUS_LABELS } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { RadioGroup } from '../../../components/ui/radio-group';
import { TextArea } from '../../../components/ui/text-area';
import { showToast } from '../../../components/ui/toast';
import { Button } from '../../../components/ui/button';
import { describeProblem, fromZodError } from '../../../lib/form-errors';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { useSafeguardingConcerns, type SafeguardingConcern } from '../api/list-safeguarding-concerns';
import { useResolveSafeguardingConcern } from '../api/resolve-safeguarding-concern';
import { DateTime, ListError, useCan } from './admin-common';
import { ShowMore } from '../../../components/ui/show-more';

export type ConcernStatusFilter = 'open' | 'resolved' | 'all';

export function SafeguardingAdmin({ status, onStatus }: { status: ConcernStatusFilter; onStatus: (status: ConcernStatusFilter) => void }) {
  const concerns = useSafeguardingConcerns(status === 'all' ? undefined : status);
  const mayResolve = useCan('safeguarding:resolve');
  const [resolving, setResolving] = useState<SafeguardingConcern | null>(null);

  return (
    <>
      <RadioGroup
        id="concern-status"
        name="status"
        label="Show"
        layout="inline"
        options={[
          { value: 'open', label: 'Open' },
          { value: 'resolved', label: 'Resolved' },
          { value: 'all', label: 'All' },
        ]}
        value={status}
        onChange={onStatus}
      />
      {concerns.isPending ? <Loading label="Loading concerns…" /> : null}
      {concerns.isError ? <ListError query={concerns} what="Safeguarding concerns" /> : null}
      {concerns.data ? (
        concerns.data.pages.every((page) => page.items.length === 0) ? (
          <Notice title={status === 'open' ? 'No open concerns' : 'No concerns'}>
            <p>When a facilitator raises a concern, it appears here.</p>
          </Notice>
        ) : (
          <>
            <ul className="card-list">
              {concerns.data.pages.flatMap((page) => page.items).map((concern) => (
                <li key={concern.id} className="card">
                  <div className="card__heading">
                    <h2 className="card__title">
                      {concern.participant
                        ? concern.participant.erased
                          ? 'A participant whose record was erased'
                          : `${concern.participant.firstName} ${concern.participant.lastName}`
                        : concern.cohort?.title ?? 'Concern'}
                    </h2>
                    <span className={`badge ${concern.status === 'open' ? 'badge--needs_review' : 'badge--neutral'}`}>
                      {SAFEGUARDING_STATUS_LABELS[concern.status]}
                    </span>
                  </div>
                  <p className="table__note">
                    Raised by {concern.raisedBy.name}, <DateTime value={concern.raisedAt} />
                    {concern.cohort ? (
                      <>
                        {' '}about{' '}
                        <Link to="/cohorts/$cohortId" params={{ cohortId: concern.cohort.id }}>
                          {concern.cohort.title}
                        </Link>
                      </>
                    ) : null}
                    {concern.participant && !concern.participant.erased ? (
                      <>
                        {' · '}
                        <Link to="/participants/$participantId" params={{ participantId: concern.participant.id }}>
                          Their record
                        </Link>
                      </>
                    ) : null}
                  </p>
                  <p className="concern-text">{concern.summary}</p>
                  {concern.resolution ? (
                    <p>
                      <strong>Resolved</strong> by {concern.resolvedBy?.name ?? 'someone'} (<DateTime value={concern.resolvedAt} />): {concern.resolution}
                    </p>
                  ) : null}
                  {concern.status === 'open' && mayResolve ? (
                    <Button variant="secondary" onPress={() => setResolving(concern)}>
                      Resolve
                    </Button>
                  ) : null}
                </li>
              ))}
            </ul>
            <ShowMore query={concerns} label="Show more concerns" />
          </>
        )
      ) : null}
      {resolving ? <ResolveDialog concern={resolving} onClose={() => setResolving(null)} /> : null}
    </>
  );
}

function ResolveDialog({ concern, onClose }: { concern: SafeguardingConcern; onClose: () => void }) {
  const resolve = useResolveSafeguardingConcern();
  const [resolution, setResolution] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    const parsed = ResolveSafeguardingConcernBodySchema.safeParse({ resolution });
    if (!parsed.success) {
      setFieldError(fromZodError(parsed.error).fields.resolution ?? 'Describe what was done');
      return;
    }
    resolve.mutate(
      { id: concern.id, resolution: parsed.data.resolution },
      {
        onSuccess: () => {
          showToast('Concern resolved');
          onClose();
        },
      },
    );
  };

  return (
    <ConfirmDialog
      isOpen
      onOpenChange={(open) => !open && onClose()}
      title="Resolve this concern"
      confirmLabel="Resolve the concern"
      pendingLabel="Saving…"
      isPending={resolve.isPending}
      error={resolve.isError ? describeProblem(resolve.error, 'The concern could not be resolved') : null}
      onConfirm={() => submit()}
      asForm
    >
      <TextArea
        id="concern-resolution"
        name="resolution"
        label="What was done"
        isRequired
        isInvalid={Boolean(fieldError)}
        validationBehavior="aria"
        validate={() => fieldError}
        value={resolution}
        onChange={(v) => {
          setResolution(v);
          setFieldError(null);
        }}
      />
    </ConfirmDialog>
  );
}
