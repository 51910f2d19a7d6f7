export * from './errors';
export * from './course-rules';
export * from './eligibility';
export * from './roles';
export * from './permissions';
export * from './pagination';
export * from './auth';
export * from './courses';
