import type { Context, Next } from 'koa';
import { DomainError, type ErrorCode, type Reason } from '../domain/errors';
import type { Logger } from '../logger';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  RATE_LIMITED: 429,
};

/** Sends the contract's error body (api.md): code, Chinese message, stable reason, details. */
export function sendError(
  ctx: Context,
  status: number,
  code: ErrorCode | 'INTERNAL',
  message: string,
  reason?: Reason,
  details: unknown[] = [],
): void {
  ctx.status = status;
  ctx.body = { error: { code, message, ...(reason ? { reason } : {}), details } };
}

/** The one place errors become HTTP: DomainError → 4xx, body-parser errors → 400/413, rest → 500. */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) sendError(ctx, 404, 'NOT_FOUND', '接口不存在', 'NOT_FOUND');
      // The router answers a method it does not know at all (PROPFIND, TRACE …) with 501: for the
      // client it is the same refusal as 405, and a scanner's probe is no server fault.
      else if ((ctx.status === 405 || ctx.status === 501) && !ctx.body)
        sendError(ctx, 405, 'VALIDATION', '不支持该请求方法', 'METHOD_NOT_ALLOWED');
    } catch (err) {
      if (err instanceof DomainError) {
        sendError(ctx, STATUS[err.code], err.code, err.message, err.reason, err.details);
        return;
      }
      const e = err as { status?: number; type?: string; expose?: boolean; message?: string };
      if (e.status === 413 || e.type === 'entity.too.large') {
        sendError(ctx, 413, 'VALIDATION', '请求体过大', 'BODY_TOO_LARGE');
        return;
      }
      if (e.status === 400 || e.type === 'entity.parse.failed' || e.status === 415) {
        sendError(ctx, 400, 'VALIDATION', '请求体不是合法的 JSON', 'BODY_NOT_JSON');
        return;
      }
      const reqId = ctx.state.requestId as string | undefined;
      ((ctx.state.log as Logger | undefined) ?? logger).error({ err, reqId }, 'unhandled error');
      // Never leak internals: the request id lets an engineer find the log line.
      sendError(ctx, 500, 'INTERNAL', `服务器内部错误，请联系管理员（请求编号 ${reqId ?? '-'}）`);
    }
  };
}
