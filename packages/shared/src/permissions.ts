import type { StaffRole } from './roles';

/**
 * Permissions as data: one matrix of role × action. The API enforces it on every route (each route
 * names its action) and the console uses it to hide what a user cannot do.
 */
export const ACTIONS = [
  'me:read',
  'courses:read',
  'courses:write',
] as const;
export type Action = (typeof ACTIONS)[number];

const COORDINATOR: readonly Action[] = ['me:read', 'courses:read'];

export const PERMISSIONS: Record<StaffRole, readonly Action[]> = {
  admin: ACTIONS,
  coordinator: COORDINATOR,
  safeguarding_lead: COORDINATOR,
  facilitator: ['me:read', 'courses:read'],
};

export function can(roles: readonly StaffRole[], action: Action): boolean {
  return roles.some((role) => PERMISSIONS[role].includes(action));
}
