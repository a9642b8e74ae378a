import { createHmac } from 'node:crypto';
import type Bull from 'bull';
import { jwtVerify, SignJWT } from 'jose';
import type { Context, Middleware, Next } from 'koa';
import { z } from 'zod';
import type { Clock } from '../domain/clock';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors';
import { requirePermission } from '../domain/policy';
import type { UserService } from '../domain/identity/user.service';
import type { TokenService } from './auth/token';
import type { ApiPlugin } from './deps';
import { defineRoute } from './http/route';

/** Where the Bull dashboard is mounted. */
export const DASHBOARD_PATH = '/admin/queues';
/** The session cookie: HttpOnly, SameSite=Strict, scoped to DASHBOARD_PATH. */
export const DASHBOARD_COOKIE = 'fbd_dashboard';
const AUDIENCE = 'queue-dashboard';
const ISSUER = 'fiscal-bill-desk';

export interface DashboardDeps {
  queues: Bull.Queue[];
  tokens: TokenService;
  users: Pick<UserService, 'actorFor' | 'sessionFor'>;
  clock: Clock;
  /** The token signing secret; the cookie key is derived from it, so no process needs shared state. */
  secret: string;
  /** Lifetime of a dashboard session (default 15 minutes). */
  sessionTtlS?: number;
}

const sessionResponse = z.object({ expiresAt: z.string(), url: z.string() });

/**
 * The Bull dashboard at /admin/queues, for admins only. A browser cannot send a bearer header
 * when it follows a link, so besides `Authorization: Bearer <admin token>` the dashboard accepts a
 * short-lived cookie from POST /api/v1/auth/dashboard-session. That cookie is a separate JWT (own
 * key derived from the secret, own audience): it is no API token, and an API token is not a cookie.
 * It is HttpOnly and SameSite=Strict, and a state-changing request it carries must come from this
 * origin. The role is read from the database on every request, so a deactivated admin is out at once.
 */
export function makeDashboard(deps: DashboardDeps): ApiPlugin {
  const ttlS = deps.sessionTtlS ?? 15 * 60;
  const key = createHmac('sha256', deps.secret).update('bull-dashboard-session').digest();

  async function signSession(userId: number): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(deps.clock.now().getTime() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlS)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(key);
    return { token, expiresAt: new Date((iat + ttlS) * 1000) };
  }

  async function sessionUser(token: string): Promise<number> {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: deps.clock.now(),
      });
      return Number(payload.sub);
    } catch {
      throw new UnauthenticatedError('TOKEN_INVALID', '队列面板会话已过期，请重新登录后再打开');
    }
  }

  // A cookie travels with cross-site form posts where SameSite is not honoured; refuse foreign origins.
  function checkOrigin(ctx: Context): void {
    if (['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) return;
    const origin = ctx.get('origin');
    // Koa 3's ctx.origin echoes the Origin header; compare with this server's own origin.
    if (origin && origin !== `${ctx.protocol}://${ctx.host}`) throw new ForbiddenError('CROSS_SITE', '跨站请求不被接受');
  }

  async function guard(ctx: Context, next: Next): Promise<void> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    const cookie = ctx.cookies.get(DASHBOARD_COOKIE);
    let userId: number;
    if (bearer) {
      const claims = await deps.tokens.verify(bearer);
      userId = (await deps.users.sessionFor(claims.userId, claims.tokenVersion)).actor.userId;
    } else if (cookie) {
      userId = await sessionUser(cookie);
      checkOrigin(ctx);
    } else throw new UnauthenticatedError('NOT_SIGNED_IN', '请先登录：携带管理员令牌，或先调用 POST /api/v1/auth/dashboard-session');
    requirePermission(await deps.users.actorFor(userId), 'queues.dashboard');
    await next();
  }

  // bull-board (its UI server and templates) loads when an admin first opens the dashboard, not at
  // every start: ~30 ms and ~5 MB a process that is never asked for it does without.
  let board: Promise<Middleware> | undefined;
  const loadBoard = async (): Promise<Middleware> => {
    const [{ createBullBoard }, { BullAdapter }, { KoaAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullAdapter'),
      import('@bull-board/koa'),
    ]);
    const adapter = new KoaAdapter();
    adapter.setBasePath(DASHBOARD_PATH);
    // @bull-board/koa pins its own copy of @bull-board/api (one patch apart): same shape, distinct private fields.
    createBullBoard({
      queues: deps.queues.map((q) => new BullAdapter(q)),
      serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
      options: { uiConfig: { boardTitle: '票据服务台任务队列' } },
    });
    return adapter.registerPlugin();
  };
  const boardRoute: Middleware = async (ctx, next) => {
    // A failed load is retried by the next request rather than remembered.
    board ??= loadBoard().catch((err: unknown) => {
      board = undefined;
      throw err;
    });
    await (
      await board
    )(ctx, next);
  };

  return {
    register({ api, open, registry }) {
      defineRoute(api, registry, {
        method: 'post',
        path: '/auth/dashboard-session',
        tag: 'auth',
        permission: 'queues.dashboard',
        response: sessionResponse,
        summary: `换取任务队列面板（${DASHBOARD_PATH}）的短时会话 Cookie（HttpOnly，SameSite=Strict）`,
        handler: async ({ actor, ctx }) => {
          const { token, expiresAt } = await signSession(actor.userId);
          ctx.cookies.set(DASHBOARD_COOKIE, token, {
            httpOnly: true,
            sameSite: 'strict',
            path: DASHBOARD_PATH,
            maxAge: ttlS * 1000,
            secure: ctx.secure,
            overwrite: true,
          });
          return { expiresAt: expiresAt.toISOString(), url: DASHBOARD_PATH };
        },
      });
      open.all(`${DASHBOARD_PATH}{/*rest}`, guard, boardRoute as never);
    },
  };
}
