// What an eligibility outcome means, in words: for the live preview while answering, and for the
// server's (authoritative) outcome once saved. An ineligible outcome always comes with the kind
// explanation and other support to offer, never a bare refusal.
import { REASON_LABELS, type EligibilityOutcome, type EligibilityReason, type ReleasedPlace, type Signposting } from '@harbour/shared';
import { Notice } from '../../../components/ui/notice';

export const OUTCOME_LABELS: Record<EligibilityOutcome, string> = {
  eligible: 'Eligible',
  needs_review: 'Needs review',
  ineligible: 'Not eligible for this course',
};

export function OutcomeBadge({ outcome }: { outcome: EligibilityOutcome | null }) {
  if (!outcome) return <span className="badge badge--neutral">No declaration yet</span>;
  return <span className={`badge badge--${outcome}`}>{OUTCOME_LABELS[outcome]}</span>;
}

export function ReasonList({ reasons }: { reasons: readonly EligibilityReason[] }) {
  if (reasons.length === 0) return null;
  return (
    <ul className="reason-list">
      {reasons.map((reason) => (
        <li key={reason}>{REASON_LABELS[reason]}</li>
      ))}
    </ul>
  );
}

export function SignpostingText({ signposting, headingLevel = 3 }: { signposting: Signposting; headingLevel?: 3 | 4 }) {
  const Heading = `h${headingLevel}` as const;
  return (
    <div className="signposting">
      <p>{signposting.summary}</p>
      <Heading className="signposting__heading">Why this course is not the right fit</Heading>
      <ul>
        {signposting.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <Heading className="signposting__heading">Support that may help</Heading>
      <ul className="signposting__options">
        {signposting.options.map((option) => (
          <li key={option.name}>
            <strong>{option.name}</strong>: {option.description}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface OutcomeDetailsProps {
  outcome: EligibilityOutcome;
  reasons: readonly EligibilityReason[];
  signposting?: Signposting;
  /** 'preview' while answering; 'saved' for the server's answer. */
  mode: 'preview' | 'saved';
}

/** The outcome's title, what it means for the person, its reasons and (when ineligible) the signposting. */
export function OutcomeDetails({ outcome, reasons, signposting, mode }: OutcomeDetailsProps) {
  const prefix = mode === 'preview' ? 'From these answers: ' : 'Saved: ';
  if (outcome === 'eligible') {
    return (
      <div className="outcome outcome--eligible">
        <p className="outcome__title">{prefix}eligible</p>
        <p>They can be offered a place on a cohort of this course.</p>
      </div>
    );
  }
  if (outcome === 'needs_review') {
    return (
      <div className="outcome outcome--needs_review">
        <p className="outcome__title">{prefix}needs review</p>
        <p>A coordinator will look at these answers and talk them through with the person before they can be enrolled.</p>
        <ReasonList reasons={reasons} />
      </div>
    );
  }
  return (
    <div className="outcome outcome--ineligible">
      <p className="outcome__title">{prefix}this course is not the right fit</p>
      <ReasonList reasons={reasons} />
      {signposting ? (
        <>
          <p className="outcome__subtitle">What to say to them, kindly:</p>
          <SignpostingText signposting={signposting} headingLevel={mode === 'preview' ? 4 : 3} />
        </>
      ) : null}
    </div>
  );
}

const PLACE_LABELS: Record<ReleasedPlace['previousStatus'], string> = {
  confirmed: 'a confirmed seat',
  offered: 'an offer of a seat',
  waitlisted: 'a waitlist place',
};

/** One line per place an ineligible outcome ended, for a toast or a list item. */
export function describeReleasedPlace(place: ReleasedPlace): string {
  return `“${place.cohortTitle}”: ${PLACE_LABELS[place.previousStatus]}`;
}

/** The places an ineligible outcome ended (only someone eligible may hold one), said plainly. */
export function ReleasedPlacesNotice({ places }: { places: readonly ReleasedPlace[] | undefined }) {
  if (!places || places.length === 0) return null;
  return (
    <Notice tone="warning" title={places.length === 1 ? 'Their place has been released' : 'Their places have been released'}>
      <p>Only someone whose latest declaration makes them eligible can hold a place, so Harbour has removed:</p>
      <ul>
        {places.map((place) => (
          <li key={place.enrolmentId}>{describeReleasedPlace(place)}</li>
        ))}
      </ul>
      <p>Any seat this freed has been offered to the next person waiting. Each cohort&apos;s history shows the change.</p>
    </Notice>
  );
}
