import type { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import { zhErrorMap } from './zod-messages';

/** Parses input with a zod schema; failures become a ValidationError listing each field, in Chinese. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = '请求参数'): z.infer<S> {
  const r = schema.safeParse(input, { error: zhErrorMap });
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  throw new ValidationError('INVALID_INPUT', `${what}不正确：${first.path ? `${first.path} ` : ''}${first.message}`, details);
}
