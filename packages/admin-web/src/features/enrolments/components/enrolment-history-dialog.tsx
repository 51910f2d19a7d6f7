// Every step of one person's enrolment (waiting, offered, confirmed…), who took it and when.
import { formatLondon } from '@harbour/shared';
import { Dialog, DialogTrigger, Heading } from 'react-aria-components/Dialog';
import { Modal, ModalOverlay } from 'react-aria-components/Modal';
import { Button } from '../../../components/ui/button';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { errorText } from '../../cohorts/components/form-errors';
import { ENROLMENT_STATUS_LABELS } from '../../cohorts/labels';
import { useEnrolmentHistory, type EnrolmentEvent } from '../api/get-enrolment-history';
import type { RosterEntry } from '../api/list-cohort-enrolments';
import { nameOf } from './person-name';

function actorOf(event: EnrolmentEvent): string {
  if (event.actor.kind === 'system') return 'Harbour (automatic)';
  if (event.actor.kind === 'partner') return event.actor.name ? `${event.actor.name} (partner)` : 'A partner organisation';
  return event.actor.name ?? 'A member of staff';
}

function HistoryList({ enrolmentId }: { enrolmentId: string }) {
  const history = useEnrolmentHistory(enrolmentId);
  if (history.isPending) return <Loading label="Loading the history…" />;
  if (history.isError) {
    return (
      <Notice tone="error" title="The history could not be loaded">
        <p>{errorText(history.error, 'enrolment')}</p>
      </Notice>
    );
  }
  if (history.data.items.length === 0) return <p>Nothing has happened yet.</p>;
  return (
    <ol className="history">
      {history.data.items.map((event) => (
        <li key={event.id} className="history__item">
          <span className="history__what">
            {event.from ? `${ENROLMENT_STATUS_LABELS[event.from]} → ${ENROLMENT_STATUS_LABELS[event.to]}` : `Enrolled: ${ENROLMENT_STATUS_LABELS[event.to]}`}
          </span>
          <span className="muted">
            {formatLondon(event.at)} · {actorOf(event)}
          </span>
          {event.note ? <span className="history__note">{event.note}</span> : null}
        </li>
      ))}
    </ol>
  );
}

export function EnrolmentHistoryButton({ entry }: { entry: RosterEntry }) {
  const name = nameOf(entry);
  return (
    <DialogTrigger>
      <Button variant="link" aria-label={`History of ${name}`}>
        History
      </Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <>
                <Heading slot="title" className="dialog__title">
                  Enrolment history: {name}
                </Heading>
                <HistoryList enrolmentId={entry.id} />
                <div className="form__actions">
                  <Button variant="secondary" onPress={close}>
                    Close
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
