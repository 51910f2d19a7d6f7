import type { StaffRole } from './roles';

/**
 * Permissions as data: one matrix of role × action. The API enforces it on every route (each route
 * names its action in `config.access`) and the console uses it to hide what a user cannot do.
 * Scoping (a facilitator sees only the cohorts assigned to them) is applied by the services on top:
 * a role without `cohorts:read_all` sees only assigned cohorts.
 */
export const ACTIONS = [
  'me:read',
  'courses:read',
  'courses:write',
  'cohorts:read',
  'cohorts:read_all',
  'cohorts:write',
  'participants:read',
  'participants:write',
  'declarations:read',
  'declarations:write',
  'declarations:review',
  'declaration_versions:write',
  'enrolments:read',
  'enrolments:write',
  'enrolments:update',
  'payments:write',
  'attendance:write',
  'manuals:write',
  'roster:export',
  'users:manage',
  'outbox:read',
  'audit:read',
  'partners:manage',
  'referrals:read',
  'referrals:write',
  'safeguarding:raise',
  'safeguarding:read',
  'safeguarding:resolve',
  'data:export',
  'data:erase',
] as const;
export type Action = (typeof ACTIONS)[number];

const FACILITATOR: readonly Action[] = [
  'me:read',
  'courses:read',
  'cohorts:read',
  'enrolments:read',
  'enrolments:update',
  'attendance:write',
  'manuals:write',
  'roster:export',
  'safeguarding:raise',
];

/** Safeguarding concerns are read and resolved by safeguarding leads and admins only. */
const SAFEGUARDING_LEAD_ONLY: readonly Action[] = ['safeguarding:read', 'safeguarding:resolve'];
/** Subject access export and erasure: admins only (rare, deliberate, accountable acts). */
const DATA_PROTECTION: readonly Action[] = ['data:export', 'data:erase'];

const COORDINATOR: readonly Action[] = ACTIONS.filter((a) => !SAFEGUARDING_LEAD_ONLY.includes(a) && !DATA_PROTECTION.includes(a) && a !== 'users:manage' && a !== 'courses:write' && a !== 'declaration_versions:write' && a !== 'outbox:read' && a !== 'audit:read' && a !== 'partners:manage');

export const PERMISSIONS: Record<StaffRole, readonly Action[]> = {
  admin: ACTIONS,
  coordinator: COORDINATOR,
  safeguarding_lead: [...COORDINATOR, ...SAFEGUARDING_LEAD_ONLY],
  facilitator: FACILITATOR,
};

export function can(roles: readonly StaffRole[], action: Action): boolean {
  return roles.some((role) => PERMISSIONS[role].includes(action));
}
