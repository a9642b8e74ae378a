import { type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { idTextSchema, MAX_ID } from '../../domain/common/ids';
import type { Actor } from '../../domain/identity/actor';
import { requirePermission, type Permission } from '../../domain/policy';
import { errorResponses } from '../openapi';
import { jsonBody, parseInput } from './validate';

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  actor: Actor;
  ctx: Context;
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Koa path relative to /api/v1, e.g. `/applications/:id/approve`. */
  path: string;
  summary: string;
  tag: string;
  /** The permission the route needs (policy.ts); omitted = any signed-in user (services still check unit access). */
  permission?: Permission;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status (default 200). */
  status?: number;
  /** Response schema for the OpenAPI document. */
  response?: z.ZodType;
  /** Extra response media types (xlsx, csv) this route can return. */
  produces?: string[];
  handler: (input: RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown>;
}

// Read as text (strict digits), documented as what it is: an integer id.
export const idParams = z.object({ id: idTextSchema.meta({ type: 'integer', minimum: 1, maximum: MAX_ID }) });

const toOpenApiPath = (p: string) => `/api/v1${p.replace(/:([A-Za-z]+)/g, '{$1}')}`;

/**
 * Declares one authenticated route: parse → call → respond. The same zod schemas feed the
 * OpenAPI document, so the document cannot drift from what the route accepts.
 */
export function defineRoute<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<B, Q, P>,
): void {
  registry.registerPath({
    method: spec.method,
    path: toOpenApiPath(spec.path),
    summary: spec.summary,
    tags: [spec.tag],
    security: [{ bearerAuth: [] }],
    // The permission (policy.ts) the route needs: clients and the policy-matrix test read it here.
    ...(spec.permission ? { 'x-permission': spec.permission } : {}),
    request: {
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.params ? { params: spec.params as never } : {}),
    },
    responses: {
      [spec.status ?? 200]: {
        description: 'OK',
        content: {
          'application/json': { schema: spec.response ?? z.object({}).passthrough() },
          ...Object.fromEntries((spec.produces ?? []).map((t) => [t, { schema: z.string() }])),
        },
      },
      ...errorResponses(registry, { 400: 'VALIDATION', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' }),
    },
  });
  router[spec.method](spec.path, async (ctx: Context) => {
    const actor = ctx.state.actor as Actor;
    if (spec.permission) requirePermission(actor, spec.permission);
    const input = {
      body: spec.body ? parseInput(spec.body, jsonBody(ctx), '请求内容') : undefined,
      query: spec.query ? parseInput(spec.query, ctx.query, '查询参数') : undefined,
      params: spec.params ? parseInput(spec.params, ctx.params, '路径参数') : undefined,
      actor,
      ctx,
    } as RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>>;
    const result = await spec.handler(input);
    if (result !== undefined) {
      ctx.status = spec.status ?? 200;
      ctx.body = result;
    }
  });
}
