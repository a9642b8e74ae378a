import type { Context, Next } from 'koa';
import { ForbiddenError, UnauthenticatedError } from '../../domain/errors';
import type { UserService } from '../../domain/identity/user.service';
import type { TokenService } from './token';

// With a password reset by an admin pending, only these answer: who am I, and change it.
const WHILE_PASSWORD_MUST_CHANGE = new Set(['/api/v1/me', '/api/v1/auth/change-password']);

/** Requires `Authorization: Bearer <token>` and puts the current Actor on ctx.state.actor. */
export function authenticate(tokens: TokenService, users: Pick<UserService, 'sessionFor'>) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new UnauthenticatedError('NOT_SIGNED_IN', '请先登录（缺少 Authorization: Bearer 令牌）');
    const { userId, tokenVersion } = await tokens.verify(m[1]);
    const session = await users.sessionFor(userId, tokenVersion);
    if (session.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(ctx.path)) {
      throw new ForbiddenError('PASSWORD_CHANGE_REQUIRED', '管理员已重置您的密码，请先修改密码（POST /api/v1/auth/change-password）');
    }
    ctx.state.actor = session.actor;
    await next();
  };
}
