import { createHash, timingSafeEqual } from 'node:crypto';
import type Router from '@koa/router';
import { NotFoundError, UnauthenticatedError } from '../domain/errors';
import type { AppDeps, CheckStatus, HealthReport } from './deps';

const worst = (a: CheckStatus, b: CheckStatus): CheckStatus =>
  a === 'down' || b === 'down' ? 'down' : a === 'degraded' || b === 'degraded' ? 'degraded' : 'ok';

/** Runs every health check; the database is the one whose loss makes the service `down`. */
export async function healthReport(deps: AppDeps): Promise<HealthReport> {
  const checks: HealthReport['checks'] = {};
  try {
    await deps.ping();
    checks.db = { status: 'ok' };
  } catch (err) {
    // /health is public: the reason goes to the log, not to whoever asks.
    deps.logger.error({ err }, 'health: database check failed');
    checks.db = { status: 'down', detail: 'database unreachable' };
  }
  for (const [name, check] of Object.entries(deps.healthChecks ?? {})) {
    try {
      checks[name] = await check();
    } catch (err) {
      deps.logger.warn({ err, check: name }, 'health check failed');
      checks[name] = { status: 'degraded', detail: 'check failed' };
    }
  }
  const status = Object.values(checks).reduce<CheckStatus>((s, c) => worst(s, c.status), 'ok');
  return { status, checks };
}

/** GET /health (200 unless down) and GET /metrics (Prometheus text). */
export function registerHealthRoutes(router: Router, deps: AppDeps): void {
  router.get('/health', async (ctx) => {
    const report = await healthReport(deps);
    ctx.status = report.status === 'down' ? 503 : 200;
    ctx.body = report;
  });
  // Metrics tell an attacker what runs and how busy it is: only a scraper holding METRICS_TOKEN reads them.
  const expected = deps.metricsToken ? createHash('sha256').update(deps.metricsToken).digest() : null;
  router.get('/metrics', async (ctx) => {
    if (!expected) throw new NotFoundError('FEATURE_DISABLED', '指标接口未启用：未配置 METRICS_TOKEN');
    const given = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('authorization'))?.[1] ?? '';
    if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
      throw new UnauthenticatedError('TOKEN_INVALID', '指标接口需要 METRICS_TOKEN');
    }
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.metrics();
  });
}
