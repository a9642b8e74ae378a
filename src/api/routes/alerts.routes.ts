import { createHash, timingSafeEqual } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { NotFoundError, UnauthenticatedError } from '../../domain/errors';
import { fromAlertmanager, fromGeneric, ingestAlerts } from '../../domain/monitoring/alert-intake';
import { alertmanagerSchema, genericAlertSchema, incidentQuerySchema, probeTargetSchema } from '../../domain/monitoring/alert.schemas';
import type { AlertService } from '../../domain/monitoring/alert.service';
import type { ApiPlugin, AppDeps } from '../deps';
import { defineRoute } from '../http/route';
import { jsonBody, parseInput } from '../http/validate';

const intakeResponse = z.object({
  received: z.number().int(),
  results: z.array(
    z.object({
      key: z.string(),
      status: z.enum(['firing', 'resolved']),
      outcome: z.string(),
      incidentId: z.number().nullable(),
      ticketId: z.number().nullable(),
    }),
  ),
});

// Hashing first gives equal lengths, so the comparison time says nothing about the token.
const digest = (s: string) => createHash('sha256').update(s).digest();
const sameToken = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

/**
 * POST /api/v1/alerts and /api/v1/alerts/alertmanager, outside the user-token middleware: other
 * systems authenticate with the long-lived `ALERTS_TOKEN` as `Authorization: Bearer <token>`.
 * Without ALERTS_TOKEN the intake is off and both answer 404; a missing or wrong token is 401.
 * `alerts` is read per request, so the plugin can be made before the services are.
 */
export function makeAlertIntakeRoutes(opts: { token: string | undefined; alerts: () => AlertService }): ApiPlugin {
  const guard = (ctx: Context) => {
    if (!opts.token) throw new NotFoundError('FEATURE_DISABLED', '告警接入未启用：未配置 ALERTS_TOKEN');
    const given = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1] ?? '';
    if (!given || !sameToken(given, opts.token)) throw new UnauthenticatedError('TOKEN_INVALID', '告警接入令牌无效');
  };
  const doc = (registry: OpenAPIRegistry, path: string, summary: string, body: z.ZodType) =>
    registry.registerPath({
      method: 'post',
      path,
      summary,
      tags: ['alerts'],
      security: [{ alertsToken: [] }],
      request: { body: { content: { 'application/json': { schema: body } } } },
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: intakeResponse } } },
        400: { description: 'VALIDATION' },
        401: { description: 'UNAUTHENTICATED' },
        404: { description: 'ALERTS_TOKEN not configured' },
      },
    });
  return {
    register({ open, registry }) {
      registry.registerComponent('securitySchemes', 'alertsToken', { type: 'http', scheme: 'bearer', description: 'ALERTS_TOKEN' });
      doc(registry, '/api/v1/alerts', '接收通用告警（集成令牌）', genericAlertSchema);
      doc(registry, '/api/v1/alerts/alertmanager', '接收 Prometheus Alertmanager webhook（第 4 版，集成令牌）', alertmanagerSchema);
      open.post('/api/v1/alerts', async (ctx) => {
        guard(ctx);
        const body = parseInput(genericAlertSchema, jsonBody(ctx), '告警内容');
        ctx.body = await ingestAlerts(opts.alerts(), [fromGeneric(body)]);
      });
      open.post('/api/v1/alerts/alertmanager', async (ctx) => {
        guard(ctx);
        const body = parseInput(alertmanagerSchema, jsonBody(ctx), '告警内容');
        ctx.body = await ingestAlerts(opts.alerts(), fromAlertmanager(body));
      });
    },
  };
}

/** GET /incidents (bureau roles, engineers, leaders) and the probe targets (admin). */
export function registerAlertRoutes(api: Router, registry: OpenAPIRegistry, { services }: AppDeps): void {
  defineRoute(api, registry, {
    method: 'get',
    path: '/incidents',
    tag: 'alerts',
    summary: '故障告警事件（最近变化在前）',
    permission: 'incident.read',
    query: incidentQuerySchema,
    handler: ({ actor, query }) => services.alerts.list(actor, query),
  });
  defineRoute(api, registry, {
    method: 'get',
    path: '/monitoring/targets',
    tag: 'alerts',
    summary: '监控目标列表',
    permission: 'monitoring.manage',
    handler: async ({ actor }) => ({ items: await services.probeTargets.list(actor) }),
  });
  defineRoute(api, registry, {
    method: 'post',
    path: '/monitoring/targets',
    tag: 'alerts',
    summary: '新增监控目标（HTTP 或 TCP）',
    permission: 'monitoring.manage',
    status: 201,
    body: probeTargetSchema,
    handler: ({ actor, body }) => services.probeTargets.create(actor, body),
  });
}
