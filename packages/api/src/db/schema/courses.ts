import { integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns';


export const courses = pgTable('courses', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  sessionCount: integer('session_count').notNull(),
  sessionMinutes: integer('session_minutes').notNull(),
  minParticipants: integer('min_participants').notNull(),
  maxParticipants: integer('max_participants').notNull(),
  feePence: integer('fee_pence').notNull(),
  offerHours: integer('offer_hours').notNull(),
  atRiskDays: integer('at_risk_days').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});
