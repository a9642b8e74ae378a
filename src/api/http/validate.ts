import type { Context } from 'koa';
import type { z } from 'zod';
import { ValidationError } from '../../domain/errors';
import { findUnclean } from './clean-text';
import { zhErrorMap } from './zod-messages';

// A body with thousands of wrong keys, or keys thousands of characters long, must not answer in kind.
const MAX_DETAILS = 20;
const MAX_DETAIL_CHARS = 200;
const clip = (s: string) => (s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS)}…` : s);

/**
 * Parses input with a zod schema; failures become a ValidationError listing each field, in Chinese.
 * Before the schema runs, every string and key is checked for control characters and lone surrogates.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = '请求参数'): z.infer<S> {
  const unclean = findUnclean(input);
  if (unclean) {
    const message = unclean.problem === 'too-deep' ? '嵌套层次过深' : '含有不允许的控制字符（如 \\u0000）或残缺的 Unicode 字符';
    const path = clip(unclean.path);
    throw new ValidationError('INVALID_INPUT', `${what}不正确：${path ? `${path} ` : ''}${message}`, [{ path, message }]);
  }
  const r = schema.safeParse(input, { error: zhErrorMap });
  if (r.success) return r.data;
  const details = r.error.issues.slice(0, MAX_DETAILS).map((i) => ({ path: clip(i.path.join('.')), message: clip(i.message) }));
  const first = details[0];
  throw new ValidationError('INVALID_INPUT', `${what}不正确：${first.path ? `${first.path} ` : ''}${first.message}`, details);
}

/**
 * The JSON body of a request, {} when it has none. A body sent under another type (form, multipart,
 * XML, text, no Content-Type) is refused: read as {} it would pass for an empty form and act.
 */
export function jsonBody(ctx: Context): unknown {
  const hasBody = ctx.get('transfer-encoding') !== '' || (ctx.request.length ?? 0) > 0;
  if (hasBody && !ctx.is('application/json', '*/*+json')) {
    throw new ValidationError('BODY_NOT_JSON', '请求体必须是 JSON（Content-Type: application/json）');
  }
  return (ctx.request as { body?: unknown }).body ?? {};
}
