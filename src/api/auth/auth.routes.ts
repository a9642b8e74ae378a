import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Context } from 'koa';
import { UnauthenticatedError, ValidationError } from '../../domain/errors';
import { changePasswordSchema, loginSchema } from '../../domain/identity/identity.schemas';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/route';
import { jsonBody, parseInput } from '../http/validate';
import { errorResponses } from '../openapi';
import { clearSessionCookies, setSessionCookies } from './web-session';

/**
 * A refused login is answered no sooner than this after it arrived. Every refusal already costs one
 * argon2 hash, but the paths differ by a database write or two (a few ms on PostgreSQL), enough to tell
 * an unknown name from a wrong password; the floor hides that difference under load as well.
 */
const REFUSAL_FLOOR_MS = 100;

const tokenResponse = z.object({ token: z.string(), expiresAt: z.string() });
const loginUser = z.object({ id: z.number(), username: z.string(), name: z.string(), role: z.string(), unitCode: z.string().nullable() });
const mustChangePassword = z.boolean().describe('true after an admin reset: change the password before anything else');
const loginResponse = tokenResponse.extend({ user: loginUser, mustChangePassword });
const sessionResponse = z.object({
  user: loginUser,
  mustChangePassword,
  expiresAt: z.string(),
  csrfToken: z.string().describe('Send as X-CSRF-Token on every POST/PUT/PATCH/DELETE of this session (also in the fbd_csrf cookie)'),
});

/** Checks a login form; a refusal is answered no sooner than REFUSAL_FLOOR_MS after it arrived. */
async function checkLogin(ctx: Context, deps: AppDeps) {
  const input = parseInput(loginSchema, jsonBody(ctx), '登录信息');
  // ctx.ip honours X-Forwarded-For only with TRUST_PROXY=1 (app.proxy): a client cannot pick its own address.
  const started = performance.now();
  return deps.services.users.login(input, `ip:${ctx.ip}`).catch(async (e: unknown) => {
    if (e instanceof UnauthenticatedError) await sleep(Math.max(0, REFUSAL_FLOOR_MS - (performance.now() - started)));
    throw e;
  });
}

/** POST /api/v1/auth/login (the only unauthenticated /api/v1 call) and POST /api/v1/auth/change-password. */
export function registerAuthRoutes(open: Router, api: Router, registry: OpenAPIRegistry, deps: AppDeps): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: '登录，换取有效期有限的令牌（同一地址登录过于频繁时暂时拒绝）',
    tags: ['auth'],
    request: { body: { content: { 'application/json': { schema: loginSchema } } } },
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: loginResponse } } },
      ...errorResponses(registry, { 400: 'VALIDATION', 401: 'UNAUTHENTICATED (LOGIN_FAILED)', 429: 'RATE_LIMITED' }),
    },
  });
  open.post('/api/v1/auth/login', async (ctx) => {
    const { user, tokenVersion } = await checkLogin(ctx, deps);
    const { token, expiresAt } = await deps.tokens.sign(user.id, tokenVersion);
    ctx.body = {
      token,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, username: user.username, name: user.name, role: user.role, unitCode: user.unitCode },
      mustChangePassword: user.mustChangePassword,
    };
  });

  // The workbench's login form: the same checks, answered with a cookie session instead of a token.
  const sessions = deps.webSessions;
  if (sessions) {
    registry.registerPath({
      method: 'post',
      path: '/api/v1/auth/session',
      summary: '网页登录（工作台）：设置会话 Cookie（HttpOnly，8 小时）与 CSRF Cookie，之前的会话被替换',
      tags: ['auth'],
      request: { body: { content: { 'application/json': { schema: loginSchema } } } },
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: sessionResponse } } },
        ...errorResponses(registry, { 400: 'VALIDATION', 401: 'UNAUTHENTICATED (LOGIN_FAILED)', 429: 'RATE_LIMITED' }),
      },
    });
    open.post('/api/v1/auth/session', async (ctx) => {
      const { user, tokenVersion } = await checkLogin(ctx, deps);
      const issued = await sessions.issue(user.id, tokenVersion);
      setSessionCookies(ctx, issued);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = {
        user: { id: user.id, username: user.username, name: user.name, role: user.role, unitCode: user.unitCode },
        mustChangePassword: user.mustChangePassword,
        expiresAt: issued.expiresAt.toISOString(),
        csrfToken: issued.csrf,
      };
    });
    registry.registerPath({
      method: 'delete',
      path: '/api/v1/auth/session',
      summary: '退出网页登录：清除会话 Cookie',
      tags: ['auth'],
      responses: { 204: { description: '已退出' }, ...errorResponses(registry, { 400: 'VALIDATION (a request body was sent)' }) },
    });
    // No CSRF check: SameSite=Lax keeps other sites' DELETEs from carrying the cookie, and signing out is harmless.
    open.delete('/api/v1/auth/session', (ctx) => {
      // It takes nothing: a body (the body parser leaves DELETE alone) is a client's mistake, not ignored.
      if (ctx.get('transfer-encoding') !== '' || (ctx.request.length ?? 0) > 0) {
        throw new ValidationError('INVALID_INPUT', '退出登录不需要请求内容');
      }
      clearSessionCookies(ctx);
      ctx.status = 204;
    });
  }

  defineRoute(api, registry, {
    method: 'post',
    path: '/auth/change-password',
    tag: 'auth',
    summary: '修改本人密码（其他已登录的会话随之失效，返回新令牌）',
    body: changePasswordSchema,
    response: tokenResponse,
    handler: async ({ actor, body }) => {
      const { tokenVersion } = await deps.services.userAdmin.changePassword(actor, body);
      const { token, expiresAt } = await deps.tokens.sign(actor.userId, tokenVersion);
      return { token, expiresAt: expiresAt.toISOString() };
    },
  });
}
