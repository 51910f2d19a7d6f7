// Adding a participant or changing their details. Checked with the shared schema before sending;
// the server's field errors land beside their fields; a taken e-mail address links to the person
// who has it. What is typed is kept as a draft in this tab if the session ends (see lib/form-draft).
import {
  CreateParticipantBodySchema,
  PREFERRED_CONTACT_LABELS,
  PREFERRED_CONTACTS,
  RELATIONSHIP_LABELS,
  RELATIONSHIPS,
  UpdateParticipantBodySchema,
  type PreferredContact,
  type Relationship,
} from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components/Form';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Notice } from '../../../components/ui/notice';
import { RadioGroup } from '../../../components/ui/radio-group';
import { Select } from '../../../components/ui/select';
import { TextField } from '../../../components/ui/text-field';
import { useFormDraft } from '../../../lib/form-draft';
import { fromApiError, fromZodError, hasErrors, noErrors, summaryItems, withoutField, type FormErrors } from '../../../lib/form-errors';
import { useCreateParticipant, type CreatedParticipant } from '../api/create-participant';
import { DuplicateEmailError } from '../api/duplicate-email';
import type { Participant } from '../api/get-participant';
import { useUpdateParticipant } from '../api/update-participant';

export interface ParticipantValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  relationship: Relationship | null;
  preferredContact: PreferredContact;
}

const EMPTY: ParticipantValues = { firstName: '', lastName: '', email: '', phone: '', relationship: null, preferredContact: 'email' };

const FIELD_IDS = {
  firstName: 'participant-first-name',
  lastName: 'participant-last-name',
  email: 'participant-email',
  phone: 'participant-phone',
  relationship: 'participant-relationship',
  preferredContact: 'participant-preferred-contact',
} as const;
const FIELDS = Object.keys(FIELD_IDS);

const RELATIONSHIP_OPTIONS = RELATIONSHIPS.map((value) => ({ value, label: RELATIONSHIP_LABELS[value] }));
const CONTACT_OPTIONS = PREFERRED_CONTACTS.map((value) => ({ value, label: PREFERRED_CONTACT_LABELS[value] }));

function valuesOf(participant: Participant): ParticipantValues {
  return {
    firstName: participant.firstName,
    lastName: participant.lastName,
    email: participant.email,
    phone: participant.phone ?? '',
    relationship: participant.relationship,
    preferredContact: participant.preferredContact,
  };
}

export interface ParticipantFormProps {
  /** Absent: a new participant. Present: change this person's details. */
  participant?: Participant;
  /** A new participant: what to start from (e.g. a referral's details). */
  initial?: Partial<ParticipantValues>;
  /** Where the draft is kept; a form filled from a referral keeps its own. */
  draftKey?: string;
  onSaved: (participant: CreatedParticipant) => void;
  onCancel?: () => void;
}

export function ParticipantForm({ participant, initial, draftKey, onSaved, onCancel }: ParticipantFormProps) {
  const editing = Boolean(participant);
  const draft = useFormDraft<ParticipantValues>(
    participant ? `participant:${participant.id}` : (draftKey ?? 'participant:new'),
    participant ? valuesOf(participant) : { ...EMPTY, ...initial },
  );
  const values = draft.value;
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [existingId, setExistingId] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  const create = useCreateParticipant();
  const update = useUpdateParticipant();
  const pending = create.isPending || update.isPending;

  useEffect(() => {
    if (attempt > 0 && hasErrors(errors)) summaryRef.current?.focus();
  }, [attempt, errors]);

  const showErrors = (next: FormErrors) => {
    setErrors(next);
    setAttempt((count) => count + 1);
  };

  const set = <K extends keyof ParticipantValues>(name: K, value: ParticipantValues[K]) => {
    draft.setValue((previous) => ({ ...previous, [name]: value }));
    setErrors((previous) => withoutField(previous, name));
    if (name === 'email') setExistingId(null);
  };

  const onError = (error: unknown) => {
    if (error instanceof DuplicateEmailError) {
      setExistingId(error.existingId);
      showErrors({ fields: { email: 'Someone with this e-mail address is already recorded in Harbour.' }, form: [] });
      return;
    }
    showErrors(fromApiError(error, FIELDS, 'The participant could not be saved'));
  };

  const onSuccess = (saved: CreatedParticipant) => {
    draft.discard();
    onSaved(saved);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    setExistingId(null);
    const body = {
      firstName: values.firstName,
      lastName: values.lastName,
      email: values.email,
      ...(values.phone.trim() ? { phone: values.phone } : {}),
      relationship: values.relationship ?? undefined,
      preferredContact: values.preferredContact,
    };
    if (participant) {
      const parsed = UpdateParticipantBodySchema.safeParse({ ...body, phone: values.phone.trim() ? values.phone : null });
      if (!parsed.success) return showErrors(fromZodError(parsed.error));
      setErrors(noErrors);
      update.mutate({ id: participant.id, ...parsed.data }, { onSuccess, onError });
      return;
    }
    const parsed = CreateParticipantBodySchema.safeParse(body);
    if (!parsed.success) {
      const found = fromZodError(parsed.error);
      if (!values.relationship) found.fields.relationship = 'Choose their relationship to the person accused';
      return showErrors(found);
    }
    setErrors(noErrors);
    create.mutate(parsed.data, { onSuccess, onError });
  };

  return (
    <>
      {draft.wasRestored && !editing ? (
        <Notice>
          <p>What you had typed before your session ended has been put back. Check it, then carry on.</p>
        </Notice>
      ) : null}
      <ErrorSummary ref={summaryRef} items={summaryItems(errors, FIELD_IDS)} />
      {existingId ? (
        <Notice tone="warning" title="This person may already be in Harbour">
          <p>
            <Link to="/participants/$participantId" params={{ participantId: existingId }}>
              Open the record that has this e-mail address
            </Link>{' '}
            rather than adding them twice.
          </p>
        </Notice>
      ) : null}
      <Form
        className="form"
        onSubmit={onSubmit}
        validationBehavior="aria"
        validationErrors={errors.fields}
        aria-label={editing ? 'Change details' : 'New participant'}
      >
        <TextField id={FIELD_IDS.firstName} name="firstName" label="First name" autoComplete="off" isRequired value={values.firstName} onChange={(v) => set('firstName', v)} />
        <TextField id={FIELD_IDS.lastName} name="lastName" label="Last name" autoComplete="off" isRequired value={values.lastName} onChange={(v) => set('lastName', v)} />
        <TextField
          id={FIELD_IDS.email}
          name="email"
          label="E-mail address"
          type="email"
          inputMode="email"
          autoComplete="off"
          isRequired
          value={values.email}
          onChange={(v) => set('email', v)}
        />
        <TextField
          id={FIELD_IDS.phone}
          name="phone"
          label="Phone number (optional)"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          description="For example 07700 900123 or +44 7700 900123."
          value={values.phone}
          onChange={(v) => set('phone', v)}
        />
        <Select
          id={FIELD_IDS.relationship}
          name="relationship"
          label="Relationship to the person accused"
          options={RELATIONSHIP_OPTIONS}
          isRequired
          value={values.relationship}
          onChange={(v) => set('relationship', v)}
        />
        <RadioGroup
          id={FIELD_IDS.preferredContact}
          name="preferredContact"
          label="How would they like us to contact them?"
          options={CONTACT_OPTIONS}
          layout="inline"
          value={values.preferredContact}
          onChange={(v) => set('preferredContact', v)}
        />
        <div className="form__actions">
          <Button type="submit" isPending={pending} pendingLabel="Saving…">
            {editing ? 'Save changes' : 'Add participant'}
          </Button>
          {onCancel ? (
            <Button
              type="button"
              variant="secondary"
              isDisabled={pending}
              onPress={() => {
                draft.discard();
                onCancel();
              }}
            >
              Cancel
            </Button>
          ) : null}
        </div>
      </Form>
    </>
  );
}
