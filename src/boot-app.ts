import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { buildApp } from './api/app';
import { makeDashboard } from './api/dashboard';
import { makeAlertIntakeRoutes } from './api/routes/alerts.routes';
import { makeInspectionRunRoutes } from './api/routes/inspection-run.routes';
import { makeSummaryPages } from './api/summaries/summary-pages';
import { appDeps, bootCore, bootJobs, type Core } from './boot';
import { bootBot, bootSender } from './boot-bot';
import type { Config } from './config';
import { authSecretFromDb } from './domain/settings/settings.service';
import type { JobsRuntime } from './jobs/runtime';
import type { Logger } from './logger';

export interface RunningService {
  core: Core;
  jobs: JobsRuntime;
  server: Server;
  port: number;
  /** Graceful stop: no new requests, in-flight requests and jobs finish, then Redis and the database close. */
  close(): Promise<void>;
}

/** The whole service of `npm start` (database, bot, jobs, HTTP with the dashboard), listening on config.PORT. */
export async function startService(config: Config, logger: Logger, host?: string): Promise<RunningService> {
  const core = await bootCore(config, logger);
  const { plugins } = await bootBot(core);
  // Rate limits shared by every process that sends to WeCom; commands wait while Redis is away.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: false });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis (rate limits) unavailable'));
  const jobs = bootJobs(core, bootSender(core, redis), config.WORKERS === 'inline');
  plugins.push(makeAlertIntakeRoutes({ token: config.ALERTS_TOKEN, alerts: () => core.services.alerts }));
  if (jobs.inspections) plugins.push(makeInspectionRunRoutes(jobs.inspections.inspection));
  plugins.push(makeSummaryPages({ links: core.summaryLinks, summaries: core.services.summaries }));
  const deps = await appDeps(core, jobs, plugins);
  const secret = config.AUTH_SECRET ?? (await authSecretFromDb(core.ds));
  const dashboard = makeDashboard({
    queues: Object.values(jobs.queues),
    tokens: deps.tokens,
    users: core.services.users,
    clock: core.clock,
    secret,
  });
  const app = buildApp({ ...deps, plugins: [...plugins, dashboard] });
  const server: Server = await new Promise((resolve) => {
    const s = host ? app.listen(config.PORT, host, () => resolve(s)) : app.listen(config.PORT, () => resolve(s));
  });
  return {
    core,
    jobs,
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      // HTTP first: a request still running may write to the outbox, which the relay then drains.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jobs.stop();
      redis.disconnect();
      await core.ds.destroy();
    },
  };
}
