import type { RosterEntry } from '../api/list-cohort-enrolments';

export const nameOf = (entry: RosterEntry) => `${entry.participant.firstName} ${entry.participant.lastName}`;
