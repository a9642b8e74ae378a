import type { Context, Next } from 'koa';
import { DomainError } from '../domain/errors';
import type { Logger } from '../logger';

const STATUS: Record<DomainError['code'], number> = {
  VALIDATION: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
};

/** Sends the contract's error body. */
export function sendError(ctx: Context, status: number, code: string, message: string, details: unknown[] = []): void {
  ctx.status = status;
  ctx.body = { error: { code, message, details } };
}

/** The one place errors become HTTP: DomainError → 4xx, body-parser errors → 400/413, rest → 500. */
export function errorHandler(logger: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) sendError(ctx, 404, 'NOT_FOUND', '接口不存在');
      else if (ctx.status === 405 && !ctx.body) sendError(ctx, 405, 'VALIDATION', '不支持该请求方法');
    } catch (err) {
      if (err instanceof DomainError) {
        sendError(ctx, STATUS[err.code], err.code, err.message, err.details);
        return;
      }
      const e = err as { status?: number; type?: string; expose?: boolean; message?: string };
      if (e.status === 413 || e.type === 'entity.too.large') {
        sendError(ctx, 413, 'VALIDATION', '请求体过大');
        return;
      }
      if (e.status === 400 || e.type === 'entity.parse.failed' || e.status === 415) {
        sendError(ctx, 400, 'VALIDATION', '请求体不是合法的 JSON');
        return;
      }
      const reqId = ctx.state.requestId as string | undefined;
      ((ctx.state.log as Logger | undefined) ?? logger).error({ err, reqId }, 'unhandled error');
      // Never leak internals: the request id lets an engineer find the log line.
      sendError(ctx, 500, 'INTERNAL', `服务器内部错误，请联系管理员（请求编号 ${reqId ?? '-'}）`);
    }
  };
}
