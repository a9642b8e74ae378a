import type { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import { findUnclean } from './clean-text';
import { zhErrorMap } from './zod-messages';

// A body with thousands of wrong keys must not answer with thousands of details.
const MAX_DETAILS = 20;

/**
 * Parses input with a zod schema; failures become a ValidationError listing each field, in Chinese.
 * Before the schema runs, every string and key is checked for control characters and lone surrogates.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = '请求参数'): z.infer<S> {
  const unclean = findUnclean(input);
  if (unclean) {
    const message = unclean.problem === 'too-deep' ? '嵌套层次过深' : '含有不允许的控制字符（如 \\u0000）或残缺的 Unicode 字符';
    throw new ValidationError('INVALID_INPUT', `${what}不正确：${unclean.path ? `${unclean.path} ` : ''}${message}`, [
      { path: unclean.path, message },
    ]);
  }
  const r = schema.safeParse(input, { error: zhErrorMap });
  if (r.success) return r.data;
  const details = r.error.issues.slice(0, MAX_DETAILS).map((i) => ({ path: i.path.join('.'), message: i.message }));
  const first = details[0];
  throw new ValidationError('INVALID_INPUT', `${what}不正确：${first.path ? `${first.path} ` : ''}${first.message}`, details);
}
