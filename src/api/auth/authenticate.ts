import type { Context, Next } from 'koa';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors';
import type { UserService } from '../../domain/identity/user.service';
import type { TokenService } from './token';
import { CSRF_HEADER, csrfMatches, sessionCookie, type WebSessions } from './web-session';

// With a password reset by an admin pending, only these answer: who am I, and change it.
const WHILE_PASSWORD_MUST_CHANGE = new Set(['/api/v1/me', '/api/v1/auth/change-password']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Puts the current Actor on ctx.state.actor from `Authorization: Bearer <token>` (API clients) or,
 * without that header, from the workbench's session cookie. A cookie is sent by the browser whatever
 * page made the request, so a state-changing request on a cookie session must also carry the
 * session's CSRF token in X-CSRF-Token; a bearer token is never sent by a browser on its own.
 */
export function authenticate(tokens: TokenService, users: Pick<UserService, 'sessionFor'>, sessions?: WebSessions) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const cookie = sessions && !header ? sessionCookie(ctx) : undefined;
    let claims: { userId: number; tokenVersion: number };
    if (cookie && sessions) {
      const s = await sessions.verify(cookie);
      if (!SAFE_METHODS.has(ctx.method) && !csrfMatches(ctx.get(CSRF_HEADER), s.csrf)) {
        throw new ForbiddenError('CSRF_TOKEN_MISMATCH', '请求缺少有效的安全校验（CSRF）令牌，请刷新页面后重试');
      }
      claims = s;
    } else {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new UnauthenticatedError('NOT_SIGNED_IN', '请先登录（缺少 Authorization: Bearer 令牌）');
      claims = await tokens.verify(m[1]);
    }
    const session = await users.sessionFor(claims.userId, claims.tokenVersion);
    if (session.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(ctx.path)) {
      throw new ForbiddenError('PASSWORD_CHANGE_REQUIRED', '管理员已重置您的密码，请先修改密码（POST /api/v1/auth/change-password）');
    }
    ctx.state.actor = session.actor;
    await next();
  };
}
