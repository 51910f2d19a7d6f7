// Partner organisations and their API keys. A new key is shown once, with a copy button; only
// its prefix is ever shown again. Revoking a key stops it at once, so it is confirmed first.
import { CreatePartnerApiKeyBodySchema, CreatePartnerBodySchema, PARTNER_SCOPE_LABELS, PARTNER_SCOPES, type PartnerScope } from '@harbour/shared';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { CheckboxGroup } from '../../../components/ui/checkbox-group';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { TextField } from '../../../components/ui/text-field';
import { showToast } from '../../../components/ui/toast';
import { describeProblem, fromApiError, fromZodError, noErrors, summaryItems, withoutField, type FormErrors } from '../../../lib/form-errors';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { useCreatePartner } from '../api/create-partner';
import { useCreatePartnerApiKey } from '../api/create-partner-api-key';
import { usePartnerApiKeys, type PartnerApiKey } from '../api/list-partner-api-keys';
import { usePartners, type Partner } from '../api/list-partners';
import { useRevokePartnerApiKey } from '../api/revoke-partner-api-key';
import { DateTime, ListError, OneTimeSecret } from './admin-common';
import { ShowMore } from '../../../components/ui/show-more';

const SCOPE_OPTIONS = PARTNER_SCOPES.map((value) => ({ value, label: PARTNER_SCOPE_LABELS[value] }));

export function PartnersAdmin() {
  const partners = usePartners();
  const [adding, setAdding] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);

  return (
    <>
      {adding ? (
        <section className="panel" aria-labelledby="add-partner-heading">
          <h2 id="add-partner-heading">Add a partner organisation</h2>
          <AddPartnerForm
            onDone={(partner) => {
              setAdding(false);
              if (partner) {
                showToast(`${partner.name} added`);
                setOpenId(partner.id);
              }
            }}
          />
        </section>
      ) : (
        <p>
          <Button onPress={() => setAdding(true)}>Add a partner organisation</Button>
        </p>
      )}
      {partners.isPending ? <Loading label="Loading partners…" /> : null}
      {partners.isError ? <ListError query={partners} what="Partners" /> : null}
      {partners.data ? (
        partners.data.pages.every((page) => page.items.length === 0) ? (
          <Notice title="No partner organisations yet">
            <p>Add one to give it an API key for sending referrals.</p>
          </Notice>
        ) : (
          <>
            <ul className="card-list">
              {partners.data.pages.flatMap((page) => page.items).map((partner) => (
                <li key={partner.id} className="card">
                  <div className="card__heading">
                    <h2 className="card__title">{partner.name}</h2>
                    <Button
                      variant="secondary"
                      aria-expanded={openId === partner.id}
                      onPress={() => setOpenId(openId === partner.id ? null : partner.id)}
                    >
                      {openId === partner.id ? 'Hide API keys' : `API keys (${partner.activeKeyCount} active)`}
                    </Button>
                  </div>
                  <p className="table__note">
                    {partner.contactEmail ? `Contact: ${partner.contactEmail}. ` : ''}Added <DateTime value={partner.createdAt} />.
                  </p>
                  {openId === partner.id ? <PartnerKeys partner={partner} /> : null}
                </li>
              ))}
            </ul>
            <ShowMore query={partners} label="Show more partners" />
          </>
        )
      ) : null}
    </>
  );
}

function AddPartnerForm({ onDone }: { onDone: (partner: Partner | null) => void }) {
  const create = useCreatePartner();
  const [name, setName] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const ids = { name: 'partner-name', contactEmail: 'partner-email' };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const parsed = CreatePartnerBodySchema.safeParse({ name, ...(contactEmail.trim() ? { contactEmail: contactEmail.trim() } : {}) });
    if (!parsed.success) return setErrors(fromZodError(parsed.error));
    setErrors(noErrors);
    create.mutate(parsed.data, { onSuccess: onDone, onError: (error) => setErrors(fromApiError(error, Object.keys(ids), 'The partner could not be added')) });
  };

  return (
    <>
      <ErrorSummary items={summaryItems(errors, ids)} />
      <Form className="form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="Add a partner organisation">
        <TextField id={ids.name} name="name" label="Organisation name" isRequired value={name} onChange={(v) => { setName(v); setErrors((e) => withoutField(e, 'name')); }} />
        <TextField id={ids.contactEmail} name="contactEmail" label="Contact e-mail address (optional)" type="email" value={contactEmail} onChange={(v) => { setContactEmail(v); setErrors((e) => withoutField(e, 'contactEmail')); }} />
        <div className="form__actions">
          <Button type="submit" isPending={create.isPending} pendingLabel="Adding…">
            Add the partner
          </Button>
          <Button variant="secondary" onPress={() => onDone(null)} isDisabled={create.isPending}>
            Cancel
          </Button>
        </div>
      </Form>
    </>
  );
}

function PartnerKeys({ partner }: { partner: Partner }) {
  const keys = usePartnerApiKeys(partner.id);
  const create = useCreatePartnerApiKey();
  const revoke = useRevokePartnerApiKey();
  const [scopes, setScopes] = useState<PartnerScope[]>(['referrals:write', 'referrals:read']);
  const [label, setLabel] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [newKey, setNewKey] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<PartnerApiKey | null>(null);
  const ids = { scopes: `key-scopes-${partner.id}`, label: `key-label-${partner.id}` };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const parsed = CreatePartnerApiKeyBodySchema.safeParse({ scopes, ...(label.trim() ? { label } : {}) });
    if (!parsed.success) return setErrors(fromZodError(parsed.error));
    setErrors(noErrors);
    create.mutate(
      { partnerId: partner.id, ...parsed.data },
      {
        onSuccess: (created) => {
          setNewKey(created.key);
          setLabel('');
        },
        onError: (error) => setErrors(fromApiError(error, Object.keys(ids), 'The key could not be made')),
      },
    );
  };

  return (
    <div className="card__body">
      {newKey ? (
        <OneTimeSecret title={`New API key for ${partner.name}`} secret={newKey} copyLabel="Copy the key" onDismiss={() => setNewKey(null)}>
          <p>Give this key to {partner.name} through a safe channel. It is shown only now: Harbour keeps only a fingerprint of it.</p>
        </OneTimeSecret>
      ) : null}
      {keys.isPending ? <Loading label="Loading keys…" /> : null}
      {keys.isError ? <ListError query={keys} what="API keys" /> : null}
      {keys.data && keys.data.items.length > 0 ? (
        <div className="table-scroll" role="region" aria-label={`API keys of ${partner.name}`} tabIndex={0}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Key starts</th>
                <th scope="col">Label</th>
                <th scope="col">May</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((key) => (
                <tr key={key.id}>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{key.label ?? '–'}</td>
                  <td>{key.scopes.map((s) => PARTNER_SCOPE_LABELS[s]).join(', ')}</td>
                  <td>
                    <DateTime value={key.lastUsedAt} />
                  </td>
                  <td>
                    {key.revokedAt ? (
                      <>
                        Revoked <DateTime value={key.revokedAt} />
                      </>
                    ) : (
                      <Button variant="link" aria-label={`Revoke the key ${key.prefix}`} onPress={() => setRevoking(key)}>
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : keys.data ? (
        <p>No keys yet.</p>
      ) : null}
      <h3>Make a new key</h3>
      <ErrorSummary items={summaryItems(errors, ids)} />
      <Form className="form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label={`New API key for ${partner.name}`}>
        <CheckboxGroup id={ids.scopes} name="scopes" label="The key may" options={SCOPE_OPTIONS} value={scopes} isRequired onChange={(v) => { setScopes(v); setErrors((e) => withoutField(e, 'scopes')); }} />
        <TextField id={ids.label} name="label" label="Label (optional)" description="To tell keys apart, e.g. “case system, live”." value={label} onChange={setLabel} />
        <div className="form__actions">
          <Button type="submit" isPending={create.isPending} pendingLabel="Making the key…">
            Make the key
          </Button>
        </div>
      </Form>
      <ConfirmDialog
        isOpen={revoking !== null}
        onOpenChange={(open) => !open && setRevoking(null)}
        title={`Revoke the key ${revoking?.prefix ?? ''}…?`}
        confirmLabel="Revoke the key"
        pendingLabel="Revoking…"
        isPending={revoke.isPending}
        error={revoke.isError ? describeProblem(revoke.error, 'The key could not be revoked') : null}
        onConfirm={() =>
          revoking &&
          revoke.mutate(
            { partnerId: partner.id, keyId: revoking.id },
            {
              onSuccess: () => {
                showToast('Key revoked');
                setRevoking(null);
              },
            },
          )
        }
      >
        <p>It stops working at once: {partner.name} will not be able to send referrals with it any more. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}
