import { z } from 'zod';

/** `?page=&pageSize=` as the API contract defines them (pageSize ≤ 200). */
export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1, 'page 从 1 开始').default(1),
  pageSize: z.coerce.number().int().min(1).max(200, 'pageSize 最大 200').default(50),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** TypeORM skip/take for a page. */
export const pageWindow = (q: PageQuery) => ({ skip: (q.page - 1) * q.pageSize, take: q.pageSize });
