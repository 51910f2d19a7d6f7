// The needs-review queue: people whose latest declaration a coordinator must resolve (oldest first),
// each resolved to eligible or not eligible with a note, in a dialog over the queue.
import { DECLARATION_CHANNEL_LABELS, ReviewDeclarationBodySchema, formatLondon, type EligibilityReason } from '@harbour/shared';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { Dialog, Heading } from 'react-aria-components/Dialog';
import { Form } from 'react-aria-components/Form';
import { Modal, ModalOverlay } from 'react-aria-components/Modal';
import { Button } from '../../../components/ui/button';
import { ErrorSummary } from '../../../components/ui/error-summary';
import { Loading } from '../../../components/ui/loading';
import { Notice } from '../../../components/ui/notice';
import { RadioGroup } from '../../../components/ui/radio-group';
import { TextArea } from '../../../components/ui/text-area';
import { showToast } from '../../../components/ui/toast';
import { fromApiError, fromZodError, noErrors, summaryItems, withoutField, type FormErrors, describeProblem } from '../../../lib/form-errors';
import { ApiError } from '../../../lib/problem';
import { useReviewQueue, type QueueItem } from '../api/list-review-queue';
import { useReviewDeclaration } from '../api/review-declaration';
import { ReasonList, SignpostingText, describeReleasedPlace } from './eligibility-outcome';
import { INELIGIBLE_SIGNPOSTING } from '@harbour/shared';

export function ReviewQueue() {
  const queue = useReviewQueue();
  const [reviewing, setReviewing] = useState<QueueItem | null>(null);

  if (queue.isPending) return <Loading label="Loading the reviews queue…" />;
  if (queue.isError) {
    return (
      <Notice tone="error" title="The reviews queue could not be loaded">
        <p>{describeProblem(queue.error, 'The queue could not be loaded')}</p>
        <Button variant="secondary" onPress={() => void queue.refetch()} isPending={queue.isRefetching}>
          Try again
        </Button>
      </Notice>
    );
  }
  const items = queue.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <Notice tone="success" title="Nothing to review">
        <p>No one is waiting for a review. When a declaration needs one, it will appear here.</p>
      </Notice>
    );
  }

  return (
    <>
      <div className="table-scroll" role="region" aria-labelledby="reviews-caption" tabIndex={0}>
        <table className="table">
          <caption id="reviews-caption" className="table__caption">
            Declarations waiting for review, oldest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Why it needs review</th>
              <th scope="col">Made</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <th scope="row" className="table__row-heading">
                  <Link to="/participants/$participantId" params={{ participantId: item.participant.id }}>
                    {item.participant.firstName} {item.participant.lastName}
                  </Link>
                </th>
                <td>
                  <ReasonList reasons={item.reasons as EligibilityReason[]} />
                </td>
                <td>
                  {formatLondon(item.createdAt)}
                  <span className="table__note">
                    {DECLARATION_CHANNEL_LABELS[item.channel]}, version {item.version}
                    {item.enteredBy ? `, entered by ${item.enteredBy.name}` : ''}
                  </span>
                </td>
                <td>
                  <Button
                    variant="secondary"
                    onPress={() => setReviewing(item)}
                    aria-label={`Resolve the review for ${item.participant.firstName} ${item.participant.lastName}`}
                  >
                    Resolve
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {queue.hasNextPage ? (
        <div className="list-more">
          <Button variant="secondary" onPress={() => void queue.fetchNextPage()} isPending={queue.isFetchingNextPage} pendingLabel="Loading more…">
            Show more
          </Button>
        </div>
      ) : null}
      {reviewing ? <ReviewDialog item={reviewing} onClose={() => setReviewing(null)} /> : null}
    </>
  );
}

const FIELD_IDS = { outcome: 'review-outcome', note: 'review-note' } as const;

function ReviewDialog({ item, onClose }: { item: QueueItem; onClose: () => void }) {
  const review = useReviewDeclaration();
  const [outcome, setOutcome] = useState<'eligible' | 'ineligible' | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const name = `${item.participant.firstName} ${item.participant.lastName}`;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (review.isPending) return;
    const parsed = ReviewDeclarationBodySchema.safeParse({ outcome: outcome ?? undefined, note });
    if (!parsed.success) {
      const found = fromZodError(parsed.error);
      if (!outcome) found.fields.outcome = 'Choose whether they are eligible';
      setErrors(found);
      return;
    }
    setErrors(noErrors);
    review.mutate(
      { declarationId: item.id, ...parsed.data },
      {
        onSuccess: (declaration) => {
          const released = (declaration.releasedPlaces ?? []).map(describeReleasedPlace);
          showToast(
            `${name}: review saved, ${declaration.outcome === 'eligible' ? 'eligible' : 'not eligible'}` +
              (released.length > 0 ? `. ${released.length === 1 ? 'Place' : 'Places'} released: ${released.join('; ')}.` : ''),
          );
          onClose();
        },
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'REVIEW_NOT_NEEDED') {
            setErrors({ fields: {}, form: [`${error.problem.detail} The queue has been brought up to date.`] });
            return;
          }
          setErrors(fromApiError(error, ['outcome', 'note'], 'The review could not be saved'));
        },
      },
    );
  };

  return (
    <ModalOverlay className="modal-overlay" isOpen onOpenChange={(open) => !open && onClose()} isDismissable={!review.isPending}>
      <Modal className="modal">
        <Dialog className="dialog">
          <Heading slot="title" className="dialog__title">
            Resolve the review for {name}
          </Heading>
          <p>Their answers needed a coordinator’s view because:</p>
          <ReasonList reasons={item.reasons as EligibilityReason[]} />
          <ErrorSummary items={summaryItems(errors, FIELD_IDS)} />
          <Form onSubmit={onSubmit} validationBehavior="aria" validationErrors={errors.fields} aria-label={`Review for ${name}`}>
            <RadioGroup
              id={FIELD_IDS.outcome}
              name="outcome"
              label="Having talked it through, are they eligible for this course?"
              options={[
                { value: 'eligible', label: 'Eligible', description: 'They can be enrolled.' },
                { value: 'ineligible', label: 'Not eligible', description: 'Offer them the support below instead.' },
              ]}
              isRequired
              value={outcome}
              onChange={(value) => {
                setOutcome(value);
                setErrors((previous) => withoutField(previous, 'outcome'));
              }}
            />
            {outcome === 'ineligible' ? (
              <div className="outcome outcome--ineligible">
                <p className="outcome__subtitle">What to say to them, kindly:</p>
                <SignpostingText signposting={INELIGIBLE_SIGNPOSTING} />
              </div>
            ) : null}
            <TextArea
              id={FIELD_IDS.note}
              name="note"
              label="Note"
              description="Why you decided this. It is kept with their declarations."
              isRequired
              value={note}
              onChange={(value) => {
                setNote(value);
                setErrors((previous) => withoutField(previous, 'note'));
              }}
            />
            <div className="form__actions">
              <Button type="submit" isPending={review.isPending} pendingLabel="Saving the review…">
                Save the review
              </Button>
              <Button variant="secondary" onPress={onClose} isDisabled={review.isPending}>
                Cancel
              </Button>
            </div>
          </Form>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
