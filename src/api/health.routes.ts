import type Router from '@koa/router';
import type { AppDeps, CheckStatus, HealthReport } from './deps';

const worst = (a: CheckStatus, b: CheckStatus): CheckStatus =>
  a === 'down' || b === 'down' ? 'down' : a === 'degraded' || b === 'degraded' ? 'degraded' : 'ok';

/** Runs every health check; the database is the one whose loss makes the service `down`. */
export async function healthReport(deps: AppDeps): Promise<HealthReport> {
  const checks: HealthReport['checks'] = {};
  try {
    await deps.ds.query('SELECT 1');
    checks.db = { status: 'ok' };
  } catch (err) {
    checks.db = { status: 'down', detail: (err as Error).message.slice(0, 200) };
  }
  for (const [name, check] of Object.entries(deps.healthChecks ?? {})) {
    try {
      checks[name] = await check();
    } catch (err) {
      checks[name] = { status: 'degraded', detail: (err as Error).message.slice(0, 200) };
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
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.contentType;
    ctx.body = await deps.metrics.metrics();
  });
}
