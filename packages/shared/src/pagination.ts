import { z } from 'zod';

export const LimitSchema = z.coerce.number().int().min(1).max(100).default(25);
export const CursorSchema = z.string().min(1).max(512);

export const PageQuerySchema = z.strictObject({
  limit: LimitSchema,
  cursor: CursorSchema.optional(),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
