import { z } from 'zod';

export const STAFF_ROLES = ['admin', 'coordinator', 'facilitator', 'safeguarding_lead'] as const;
export const StaffRoleSchema = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

export const ROLE_LABELS: Record<StaffRole, string> = {
  admin: 'Administrator',
  coordinator: 'Coordinator',
  facilitator: 'Facilitator',
  safeguarding_lead: 'Safeguarding lead',
};
