import type { Context, Next } from 'koa';
import { UnauthenticatedError } from '../../domain/errors';
import type { UserService } from '../../domain/identity/user.service';
import type { TokenService } from './token';

/** Requires `Authorization: Bearer <token>` and puts the current Actor on ctx.state.actor. */
export function authenticate(tokens: TokenService, users: UserService) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new UnauthenticatedError('NOT_SIGNED_IN', '请先登录（缺少 Authorization: Bearer 令牌）');
    const { userId } = await tokens.verify(m[1]);
    ctx.state.actor = await users.actorFor(userId);
    await next();
  };
}
