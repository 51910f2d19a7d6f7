import { z } from 'zod';
import { CourseRulesSchema } from './course-rules';

export const CourseSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    description: z.string(),
    rules: CourseRulesSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Course' });
export type Course = z.infer<typeof CourseSchema>;

export const CreateCourseBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(4000).default(''),
  rules: CourseRulesSchema,
});
export type CreateCourseBody = z.infer<typeof CreateCourseBodySchema>;

export const UpdateCourseBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  description: z.string().trim().max(4000).optional(),
  rules: z
    .strictObject({
      sessionCount: z.number().int().optional(),
      sessionMinutes: z.number().int().optional(),
      minParticipants: z.number().int().optional(),
      maxParticipants: z.number().int().optional(),
      feePence: z.number().int().optional(),
      offerHours: z.number().int().optional(),
      atRiskDays: z.number().int().optional(),
    })
    .optional(),
});
export type UpdateCourseBody = z.infer<typeof UpdateCourseBodySchema>;
