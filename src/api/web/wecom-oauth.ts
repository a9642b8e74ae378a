import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Clock } from '../../domain/clock';
import type { UserService } from '../../domain/identity/user.service';
import type { Logger } from '../../logger';
import { sessionCookie, setSessionCookies, type WebSessions } from '../auth/web-session';
import { escapeHtml } from '../summaries/html';

/** The member behind an OAuth code (the WeCom client's getuserinfo); throws on an invalid or used code. */
export type OAuthCodeResolver = (code: string) => Promise<{ userid: string } | { openid: string }>;

export interface WecomOAuthDeps {
  /** https://open.weixin.qq.com, or the fake server's address. */
  oauthBase: string;
  corpId: string;
  agentId: string;
  resolveCode: OAuthCodeResolver;
  sessions: WebSessions;
  users: Pick<UserService, 'sessionFor' | 'webLoginForWecom'>;
  clock: Clock;
  logger: Logger;
  /** Key of the short-lived state cookie (derived from the signing secret). */
  secret: string;
}

export const START_PATH = '/m/auth/wecom';
export const CALLBACK_PATH = '/m/auth/wecom/callback';
const STATE_COOKIE = 'fbd_oauth';
/** WeCom's code lives five minutes; a started sign-in that has not come back by then is void. */
const STATE_TTL_MS = 5 * 60 * 1000;

/** WeCom's in-app browser. */
export const isWecomBrowser = (ctx: Context) => /wxwork/i.test(ctx.get('user-agent'));

/**
 * Where to go after signing in: a path of the mobile entry only. Anything else — another origin
 * (`//evil.example`, `/\evil`, `https://…`), another part of the app — falls back to /m/.
 */
export function safeMobilePath(next: string | undefined | null): string {
  if (typeof next !== 'string' || !next.startsWith('/m/') || next.length > 2000) return '/m/';
  if (/[\\\s\0]|\/\/|%2f|%5c|%00/i.test(next) || next.startsWith(START_PATH)) return '/m/';
  return next;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A refusal as a small Chinese page (the member is in a browser, not an API client). */
function refusal(ctx: Context, status: number, title: string, text: string, retry = true): void {
  ctx.status = status;
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{margin:0;font-family:-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;background:#f7f8fa;color:#323233}
main{max-width:480px;margin:0 auto;padding:64px 24px;text-align:center}h1{font-size:20px;margin:0 0 12px}p{color:#646566;line-height:1.6}
a{display:inline-block;margin-top:20px;min-height:44px;line-height:44px;padding:0 28px;border-radius:22px;background:#1989fa;color:#fff;text-decoration:none}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${retry ? '<a href="/m/">重新进入</a>' : ''}</main></body></html>`;
}

/**
 * WeCom web authorisation (网页授权, snsapi_base; wecom.md). A page under /m/ asked for by WeCom's
 * browser without a session goes to WeCom's authorise page and comes back to CALLBACK_PATH with a
 * code and our state; the state is bound to this browser by a signed, five-minute cookie (so a code
 * obtained elsewhere cannot be planted on someone), the code becomes the member's userid through
 * the WeCom client (single use), and the member's active account gets a fresh session cookie. Then
 * the browser returns to the page it asked for — a path under /m/ only.
 */
export function makeWecomOAuth(deps: WecomOAuthDeps) {
  const key = createHmac('sha256', deps.secret).update('fbd wecom oauth state v1').digest();
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

  function start(ctx: Context, next: string): void {
    const state = randomBytes(18).toString('base64url');
    const expires = deps.clock.now().getTime() + STATE_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ state, next: safeMobilePath(next), exp: expires })).toString('base64url');
    ctx.cookies.set(STATE_COOKIE, `${payload}.${sign(payload)}`, {
      httpOnly: true,
      sameSite: 'lax', // WeCom's redirect back is a top-level GET: a Lax cookie comes with it
      secure: ctx.secure,
      path: START_PATH,
      maxAge: STATE_TTL_MS, // the browser's clock need not agree with ours; `exp` inside decides
      overwrite: true,
    });
    // The redirect URI is this very origin, so the state cookie comes back; WeCom accepts it only on the app's trusted domain.
    const q = new URLSearchParams({
      appid: deps.corpId,
      redirect_uri: `${ctx.protocol}://${ctx.host}${CALLBACK_PATH}`,
      response_type: 'code',
      scope: 'snsapi_base',
      state,
      agentid: deps.agentId,
    });
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(`${deps.oauthBase.replace(/\/+$/, '')}/connect/oauth2/authorize?${q.toString()}#wechat_redirect`);
  }

  /** The state cookie's contents when it is genuine, unexpired and matches `state`. */
  function checkState(ctx: Context, state: string): { next: string } | null {
    const raw = ctx.cookies.get(STATE_COOKIE) ?? '';
    const [payload, mac] = raw.split('.');
    if (!payload || !mac) return null;
    const expected = Buffer.from(sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { state?: unknown; next?: unknown; exp?: unknown };
      if (typeof v.state !== 'string' || typeof v.exp !== 'number' || v.exp <= deps.clock.now().getTime()) return null;
      const a = Buffer.from(v.state);
      const b = Buffer.from(state);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
      return { next: safeMobilePath(typeof v.next === 'string' ? v.next : null) };
    } catch {
      return null;
    }
  }

  async function callback(ctx: Context): Promise<void> {
    const code = typeof ctx.query.code === 'string' ? ctx.query.code : '';
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const checked = state ? checkState(ctx, state) : null;
    ctx.cookies.set(STATE_COOKIE, '', { path: START_PATH, expires: new Date(0), httpOnly: true, sameSite: 'lax', secure: ctx.secure });
    if (!checked) {
      return refusal(ctx, 400, '登录请求已失效', '这次登录不是从本页面发起的，或已超过 5 分钟。请重新进入应用。');
    }
    if (!code || code.length > 512) return refusal(ctx, 400, '登录失败', '企业微信没有返回有效的授权码，请重新进入应用。');
    let who: { userid: string } | { openid: string };
    try {
      who = await deps.resolveCode(code);
    } catch (e) {
      deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'wecom oauth code refused');
      return refusal(ctx, 400, '登录失败', '企业微信授权码无效或已使用，请重新进入应用。');
    }
    if (!('userid' in who)) {
      return refusal(ctx, 403, '无法使用', '您不是本单位企业微信的成员，不能使用票据服务台。', false);
    }
    const account = await deps.users.webLoginForWecom(who.userid);
    if (!account) {
      deps.logger.info({ wecomUserId: who.userid }, 'wecom member without an active account tried the workbench');
      return refusal(ctx, 403, '尚未开通账号', '您的企业微信账号还没有开通票据服务台，或账号已停用。请联系财政局票据管理科。', false);
    }
    setSessionCookies(ctx, await deps.sessions.issue(account.userId, account.tokenVersion));
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(checked.next);
  }

  /** True when the request carries a session that still answers (not expired, account active, version current). */
  async function hasSession(ctx: Context): Promise<boolean> {
    const cookie = sessionCookie(ctx);
    if (!cookie) return false;
    try {
      const s = await deps.sessions.verify(cookie);
      await deps.users.sessionFor(s.userId, s.tokenVersion);
      return true;
    } catch {
      return false;
    }
  }

  /** Mounted before the static pages: the two authorisation paths, and the redirect of WeCom's browser without a session. */
  async function middleware(ctx: Context, next: Next): Promise<void> {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return void (await next());
    if (ctx.path === START_PATH) return start(ctx, typeof ctx.query.next === 'string' ? ctx.query.next : '/m/');
    if (ctx.path === CALLBACK_PATH) return callback(ctx);
    const page = ctx.path.startsWith('/m/') && !/\.[a-z0-9]+$/i.test(ctx.path);
    if (page && isWecomBrowser(ctx) && !(await hasSession(ctx))) return start(ctx, ctx.url);
    await next();
  }

  return { middleware, start, callback };
}
export type WecomOAuth = ReturnType<typeof makeWecomOAuth>;

/** Without WeCom configured the two paths explain themselves instead of failing obscurely. */
export async function wecomOAuthDisabled(ctx: Context, next: Next): Promise<void> {
  if (ctx.path === START_PATH || ctx.path === CALLBACK_PATH) {
    return refusal(ctx, 404, '未启用企业微信登录', '本系统尚未配置企业微信应用，请使用用户名和密码登录。', false);
  }
  await next();
}
