// One course as staff read it: its rules in sentences, and the declaration wording people are
// asked under now, with links to change them for those allowed to.
import { Link } from '@tanstack/react-router';
import { DECLARATION_QUESTION_KEYS } from '@harbour/shared';
import { QueryState } from '../../../components/ui/query-state';
import { useCan, DateTime } from '../../admin/components/admin-common';
import { errorText } from '../../cohorts/components/form-errors';
import { useCurrentDeclarationVersion } from '../../declarations/api/get-current-version';
import type { Course } from '../api/list-courses';
import { formatAtRiskDays, formatFee, formatOfferHours, formatParticipants, formatSessions } from './format-rules';

export function CourseRulesList({ course }: { course: Course }) {
  return (
    <dl className="summary-list">
      <div>
        <dt>Sessions</dt>
        <dd>{formatSessions(course.rules)}</dd>
      </div>
      <div>
        <dt>Group size</dt>
        <dd>{formatParticipants(course.rules)}</dd>
      </div>
      <div>
        <dt>Fee</dt>
        <dd>{formatFee(course.rules.feePence)}</dd>
      </div>
      <div>
        <dt>Offer held for</dt>
        <dd>{formatOfferHours(course.rules.offerHours)}</dd>
      </div>
      <div>
        <dt>Checked for enough people</dt>
        <dd>{formatAtRiskDays(course.rules.atRiskDays)}</dd>
      </div>
    </dl>
  );
}

/** The wording a declaration for this course is made under now. */
export function CourseWording({ courseId }: { courseId: string }) {
  // Facilitators see a course's rules, not its declarations: nothing is asked for on their behalf.
  const mayRead = useCan('declarations:read');
  const wording = useCurrentDeclarationVersion(mayRead ? courseId : null);
  const mayPublish = useCan('declaration_versions:write');
  if (!mayRead) return null;

  return (
    <section aria-labelledby="wording-heading" className="section">
      <h2 id="wording-heading">Declaration wording</h2>
      <QueryState query={wording} loadingLabel="Loading the wording…" errorTitle="The wording could not be loaded" errorMessage={(e) => errorText(e, 'wording')}>
        {(current) => (
          <>
            <p>
              Version {current.version}, in use since <DateTime value={current.createdAt} />.
              {current.requiresRedeclaration ? ' Everyone who declared under an earlier version must declare again.' : ''}
            </p>
            <p className="wording-text">{current.text}</p>
            <ol className="wording-questions">
              {DECLARATION_QUESTION_KEYS.map((key) => (
                <li key={key}>{current.questions.find((q) => q.key === key)?.label}</li>
              ))}
            </ol>
            {mayPublish ? (
              <p>
                <Link to="/courses/$courseId/wording" params={{ courseId }} className="button button--secondary">
                  Publish new wording
                </Link>
              </p>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}
