import type { Context, Next } from 'koa';
import { DomainError, ForbiddenError, NotFoundError } from '../../domain/errors';
import type { SummaryDetail, SummaryService } from '../../domain/summaries/summary.service';
import type { Logger } from '../../logger';
import type { ApiPlugin } from '../deps';
import { SUMMARY_PAGE_PATH, type SummaryLinkSigner } from './summary-link';
import { sendSummaryChart, sendSummaryXlsx } from './summary-files';
import { messagePage, SUMMARY_PAGE_CSP, summaryPage } from './summary-page';

/** What a leader reads when the link is forged, expired, or no longer theirs (deactivated, role changed). */
export const LINK_EXPIRED_MESSAGE = '链接已失效，请在企业微信中打开最新的周报，或登录系统查看';
const ID = /^[1-9]\d{0,9}$/;

function sendPage(ctx: Context, status: number, page: string): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page;
}

/**
 * The HTML counterpart of the API error handler for these pages: refusals and unknown ids become
 * short Chinese pages, anything else a 500 page with the request id (logged, never a stack trace).
 */
async function pageErrors(ctx: Context, next: Next): Promise<void> {
  ctx.set('Content-Security-Policy', SUMMARY_PAGE_CSP);
  ctx.set('X-Content-Type-Options', 'nosniff');
  // The link is the credential: keep it out of Referer headers and shared caches.
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'private, no-store');
  try {
    await next();
  } catch (err) {
    if (err instanceof DomainError && (err.code === 'FORBIDDEN' || err.code === 'UNAUTHENTICATED')) {
      sendPage(ctx, 403, messagePage('链接已失效', LINK_EXPIRED_MESSAGE));
    } else if (err instanceof DomainError && err.code === 'NOT_FOUND') {
      sendPage(ctx, 404, messagePage('报告不存在', '该服务报告不存在或已删除，请登录系统查看最新的报告'));
    } else {
      const reqId = ctx.state.requestId as string | undefined;
      (ctx.state.log as Logger | undefined)?.error({ err, reqId }, 'summary page failed');
      sendPage(ctx, 500, messagePage('暂时无法打开', `服务器内部错误，请稍后再试或联系管理员（请求编号 ${reqId ?? '-'}）`));
    }
  }
}

/**
 * GET /s/summaries/:id (+ /chart.png, /xlsx): the summary a leader opens from WeCom, where no bearer
 * token can be sent. The signed query (summary-link.ts) stands in for the login; the recipient's
 * account is read on every request, so a deactivated leader's link stops working at once.
 */
export function makeSummaryPages(deps: { links: SummaryLinkSigner; summaries: Pick<SummaryService, 'getForRecipient'> }): ApiPlugin {
  async function load(ctx: Context): Promise<SummaryDetail> {
    const raw = String((ctx.params as Record<string, string>).id);
    if (!ID.test(raw)) throw new NotFoundError('RECORD_NOT_FOUND', '服务报告不存在');
    const id = Number(raw);
    // The signature is checked before the database is read: a forged link learns nothing about ids.
    const userId = deps.links.verify(id, ctx.query);
    if (userId === null) throw new ForbiddenError('LINK_EXPIRED', LINK_EXPIRED_MESSAGE);
    return deps.summaries.getForRecipient(userId, id);
  }

  return {
    register({ open }) {
      open.get(`${SUMMARY_PAGE_PATH}/:id`, pageErrors, async (ctx) => {
        const s = await load(ctx);
        const query = new URLSearchParams({ u: String(ctx.query.u), exp: String(ctx.query.exp), sig: String(ctx.query.sig) }).toString();
        sendPage(ctx, 200, summaryPage(s, { query, expiresAt: new Date(Number(ctx.query.exp) * 1000) }));
      });
      open.get(`${SUMMARY_PAGE_PATH}/:id/chart.png`, pageErrors, async (ctx) => {
        await sendSummaryChart(ctx, await load(ctx));
      });
      open.get(`${SUMMARY_PAGE_PATH}/:id/xlsx`, pageErrors, async (ctx) => {
        await sendSummaryXlsx(ctx, await load(ctx));
      });
    },
  };
}
