// The drizzle schema: every table, one file per area.
export * from './users';
export * from './courses';
export * from './cohorts';
export * from './participants';
export * from './enrolments';
export * from './outbox';
export * from './audit';
export * from './partners';
export * from './safeguarding';
export * from './notifications';
