import { Link } from '@tanstack/react-router';
import type { Course } from '../api/list-courses';
import {
  formatAtRiskDays,
  formatFee,
  formatOfferHours,
  formatParticipants,
  formatSessions,
} from './format-rules';

/** Each course with its rules, as sentences rather than raw numbers. */
export function CoursesTable({ courses }: { courses: Course[] }) {
  return (
    <div className="table-scroll" role="region" aria-labelledby="courses-caption" tabIndex={0}>
      <table className="table">
        <caption id="courses-caption" className="table__caption">
          Courses and their rules
        </caption>
        <thead>
          <tr>
            <th scope="col">Course</th>
            <th scope="col">Sessions</th>
            <th scope="col">Group size</th>
            <th scope="col">Fee</th>
            <th scope="col">Offer held for</th>
            <th scope="col">Checked for enough people</th>
          </tr>
        </thead>
        <tbody>
          {courses.map((course) => (
            <tr key={course.id}>
              <th scope="row" className="table__row-heading">
                <Link to="/courses/$courseId" params={{ courseId: course.id }} className="course-name">
                  {course.name}
                </Link>
                {course.description ? <span className="course-description">{course.description}</span> : null}
              </th>
              <td>{formatSessions(course.rules)}</td>
              <td>{formatParticipants(course.rules)}</td>
              <td>{formatFee(course.rules.feePence)}</td>
              <td>{formatOfferHours(course.rules.offerHours)}</td>
              <td>{formatAtRiskDays(course.rules.atRiskDays)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
