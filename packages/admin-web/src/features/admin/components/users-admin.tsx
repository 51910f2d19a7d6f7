// Staff accounts: who has which roles, adding someone (with their one-time set-password link),
// switching an account off or on, a new link, and resetting two-step verification.
import { CreateUserBodySchema, ROLE_LABELS, STAFF_ROLES, type StaffRole } from '@harbour/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { CheckboxGroup } from '../../../components/ui/checkbox-group';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { TextField } from '../../../components/ui/text-field';
import { showToast } from '../../../components/ui/toast';
import { describeProblem, fromApiError, fromZodError, hasErrors, noErrors, summaryItems, withoutField, type FormErrors } from '../../../lib/form-errors';
import { useSession } from '../../../lib/session';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog';
import { useCreateSetPasswordLink, type SetPasswordLink } from '../api/create-set-password-link';
import { useCreateUser } from '../api/create-user';
import { useUsers, type StaffAccount } from '../api/list-users';
import { useResetUserMfa } from '../api/reset-user-mfa';
import { useUpdateUser } from '../api/update-user';
import { ListError, OneTimeSecret } from './admin-common';
import { ShowMore } from '../../../components/ui/show-more';

const ROLE_OPTIONS = STAFF_ROLES.map((value) => ({ value, label: ROLE_LABELS[value] }));
const FIELD_IDS = { name: 'user-name', email: 'user-email', roles: 'user-roles' } as const;

interface Link {
  title: string;
  name: string;
  url: string;
  expiresAt: string;
  /** Harbour e-mailed it to them too (mail is set up). */
  emailed: boolean;
}

export function UsersAdmin() {
  const users = useUsers('');
  const [adding, setAdding] = useState(false);
  const [link, setLink] = useState<Link | null>(null);

  return (
    <>
      {link ? (
        <OneTimeSecret title={link.title} secret={link.url} copyLabel="Copy the link" expiresAt={link.expiresAt} onDismiss={() => setLink(null)}>
          <p>
            {link.emailed
              ? `It has also been e-mailed to ${link.name}, so they can choose their password. If the e-mail does not reach them, send them this link yourself.`
              : `Send this link to ${link.name} so they can choose their password.`}{' '}
            It is shown only now: Harbour keeps no copy it can show again.
          </p>
        </OneTimeSecret>
      ) : null}
      {adding ? (
        <section className="panel" aria-labelledby="add-user-heading">
          <h2 id="add-user-heading">Add a staff member</h2>
          <AddUserForm
            onCancel={() => setAdding(false)}
            onCreated={(created) => {
              setAdding(false);
              setLink({ title: `Account created for ${created.name}`, name: created.name, url: created.setPasswordUrl, expiresAt: created.expiresAt, emailed: created.emailed });
            }}
          />
        </section>
      ) : (
        <p>
          <Button onPress={() => setAdding(true)}>Add a staff member</Button>
        </p>
      )}
      {users.isPending ? <Loading label="Loading staff…" /> : null}
      {users.isError ? <ListError query={users} what="Staff accounts" /> : null}
      {users.data ? (
        <>
          <UsersTable
            users={users.data.pages.flatMap((page) => page.items)}
            onLink={(user, result) => setLink({ title: `New set-password link for ${user.name}`, name: user.name, url: result.setPasswordUrl, expiresAt: result.expiresAt, emailed: result.emailed })}
          />
          <ShowMore query={users} label="Show more staff" />
        </>
      ) : null}
    </>
  );
}

function AddUserForm({ onCreated, onCancel }: { onCreated: (user: { name: string } & SetPasswordLink) => void; onCancel: () => void }) {
  const create = useCreateUser();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<StaffRole[]>([]);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  const show = (next: FormErrors) => {
    setErrors(next);
    setAttempt((n) => n + 1);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (create.isPending) return;
    const parsed = CreateUserBodySchema.safeParse({ name, email, roles });
    if (!parsed.success) return show(fromZodError(parsed.error));
    setErrors(noErrors);
    create.mutate(parsed.data, {
      onSuccess: (created) => onCreated(created),
      onError: (error) => show(fromApiError(error, Object.keys(FIELD_IDS), 'The account could not be created')),
    });
  };

  return (
    <>
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      <Form className="form" onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label="Add a staff member">
        <TextField id={FIELD_IDS.name} name="name" label="Name" isRequired value={name} onChange={(v) => { setName(v); setErrors((e) => withoutField(e, 'name')); }} />
        <TextField id={FIELD_IDS.email} name="email" label="E-mail address" type="email" isRequired value={email} onChange={(v) => { setEmail(v); setErrors((e) => withoutField(e, 'email')); }} />
        <CheckboxGroup
          id={FIELD_IDS.roles}
          name="roles"
          label="Roles"
          description="Administrators can do everything. Safeguarding leads also read and resolve safeguarding concerns."
          options={ROLE_OPTIONS}
          value={roles}
          isRequired
          onChange={(v) => { setRoles(v); setErrors((e) => withoutField(e, 'roles')); }}
        />
        <div className="form__actions">
          <Button type="submit" isPending={create.isPending} pendingLabel="Creating the account…">
            Create the account
          </Button>
          <Button variant="secondary" onPress={onCancel} isDisabled={create.isPending}>
            Cancel
          </Button>
        </div>
      </Form>
    </>
  );
}

type Pending = { kind: 'disable' | 'enable' | 'reset-mfa' | 'roles'; user: StaffAccount } | null;

function UsersTable({ users, onLink }: { users: StaffAccount[]; onLink: (user: StaffAccount, link: SetPasswordLink) => void }) {
  const session = useSession();
  const me = session.status === 'signed-in' ? session.user.id : null;
  const update = useUpdateUser();
  const resetMfa = useResetUserMfa();
  const newLink = useCreateSetPasswordLink();
  const [pending, setPending] = useState<Pending>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [roles, setRoles] = useState<StaffRole[]>([]);

  if (users.length === 0) return <Notice title="No staff accounts yet"><p>Add the first one above.</p></Notice>;

  const confirm = () => {
    if (!pending) return;
    const { kind, user } = pending;
    const done = (message: string) => () => {
      showToast(message);
      setPending(null);
    };
    const failed = (error: unknown) => setDialogError(describeProblem(error, 'This could not be done'));
    if (kind === 'reset-mfa') resetMfa.mutate(user.id, { onSuccess: done(`Two-step verification reset for ${user.name}`), onError: failed });
    else if (kind === 'roles') {
      if (roles.length === 0) return setDialogError('Choose at least one role.');
      update.mutate({ id: user.id, roles }, { onSuccess: done(`${user.name}: roles changed`), onError: failed });
    } else update.mutate({ id: user.id, disabled: kind === 'disable' }, { onSuccess: done(`${user.name}: account switched ${kind === 'disable' ? 'off' : 'on'}`), onError: failed });
  };

  return (
    <>
      <div className="table-scroll" role="region" aria-labelledby="users-caption" tabIndex={0}>
        <table className="table">
          <caption id="users-caption" className="table__caption">
            Staff accounts
          </caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Two-step verification</th>
              <th scope="col">Account</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row" className="table__row-heading">
                  <span className="course-name">{user.name}</span>
                  <span className="table__note">{user.email}</span>
                </th>
                <td>{user.roles.map((role) => ROLE_LABELS[role]).join(', ')}</td>
                <td>{user.mfaEnabled ? 'On' : 'Not set up'}</td>
                <td>{user.disabled ? <span className="badge badge--ineligible">Switched off</span> : 'Active'}</td>
                <td>
                  <div className="row-actions">
                    <Button
                      variant="link"
                      aria-label={`New set-password link for ${user.name}`}
                      isPending={newLink.isPending && newLink.variables === user.id}
                      pendingLabel="Making a link…"
                      onPress={() =>
                        newLink.mutate(user.id, {
                          onSuccess: (result) => onLink(user, result),
                          onError: (error) => showToast(describeProblem(error, 'No link could be made'), 'error'),
                        })
                      }
                    >
                      New set-password link
                    </Button>
                    <Button
                      variant="link"
                      aria-label={`Change roles: ${user.name}`}
                      onPress={() => {
                        setDialogError(null);
                        setRoles([...user.roles]);
                        setPending({ kind: 'roles', user });
                      }}
                    >
                      Change roles
                    </Button>
                    {user.mfaEnabled ? (
                      <Button variant="link" aria-label={`Reset two-step verification for ${user.name}`} onPress={() => { setDialogError(null); setPending({ kind: 'reset-mfa', user }); }}>
                        Reset two-step verification
                      </Button>
                    ) : null}
                    {user.id !== me ? (
                      <Button
                        variant="link"
                        aria-label={`${user.disabled ? 'Switch on' : 'Switch off'} the account of ${user.name}`}
                        onPress={() => { setDialogError(null); setPending({ kind: user.disabled ? 'enable' : 'disable', user }); }}
                      >
                        {user.disabled ? 'Switch on' : 'Switch off'}
                      </Button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        isOpen={pending !== null}
        onOpenChange={(open) => !open && setPending(null)}
        role={pending?.kind === 'roles' ? 'dialog' : 'alertdialog'}
        title={
          pending?.kind === 'roles'
            ? `Roles of ${pending.user.name}`
            : pending?.kind === 'reset-mfa'
            ? `Reset two-step verification for ${pending.user.name}?`
            : pending?.kind === 'disable'
              ? `Switch off the account of ${pending?.user.name}?`
              : `Switch on the account of ${pending?.user.name}?`
        }
        confirmLabel={pending?.kind === 'roles' ? 'Save roles' : pending?.kind === 'reset-mfa' ? 'Reset it' : pending?.kind === 'disable' ? 'Switch it off' : 'Switch it on'}
        pendingLabel="Working…"
        isPending={update.isPending || resetMfa.isPending}
        error={dialogError}
        onConfirm={confirm}
      >
        {pending?.kind === 'roles' ? (
          <CheckboxGroup
            id="change-roles"
            name="roles"
            label="Roles"
            description="What they can see and do changes at their next request."
            options={ROLE_OPTIONS}
            value={roles}
            onChange={(next) => {
              setRoles(next);
              setDialogError(null);
            }}
          />
        ) : (
        <p>
          {pending?.kind === 'reset-mfa'
            ? 'They will have to set up two-step verification again the next time they sign in. Only do this once you are sure it is really them asking.'
            : pending?.kind === 'disable'
              ? 'They are signed out everywhere at once and cannot sign in until the account is switched on again.'
              : 'They will be able to sign in again with their password.'}
        </p>
        )}
      </ConfirmDialog>
    </>
  );
}
