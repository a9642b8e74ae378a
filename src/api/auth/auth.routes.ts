import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import { z } from 'zod';
import { loginSchema } from '../../domain/identity/identity.schemas';
import type { AppDeps } from '../deps';
import { parseInput } from '../http/validate';

const loginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ id: z.number(), username: z.string(), role: z.string(), unitCode: z.string().nullable() }),
});

/** POST /api/v1/auth/login — the only unauthenticated /api/v1 call. */
export function registerAuthRoutes(router: Router, registry: OpenAPIRegistry, deps: AppDeps): void {
  registry.registerPath({
    method: 'post',
    path: '/api/v1/auth/login',
    summary: '登录，换取有效期有限的令牌',
    tags: ['auth'],
    request: { body: { content: { 'application/json': { schema: loginSchema } } } },
    responses: {
      200: { description: 'OK', content: { 'application/json': { schema: loginResponse } } },
      401: { description: 'UNAUTHENTICATED' },
    },
  });
  router.post('/api/v1/auth/login', async (ctx) => {
    const input = parseInput(loginSchema, ctx.request.body ?? {}, '登录信息');
    const { user } = await deps.services.users.login(input);
    const { token, expiresAt } = await deps.tokens.sign(user.id);
    ctx.body = {
      token,
      expiresAt: expiresAt.toISOString(),
      user: { id: user.id, username: user.username, name: user.name, role: user.role, unitCode: user.unitCode },
    };
  });
}
