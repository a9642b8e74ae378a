import 'reflect-metadata';
import type { Server } from 'node:http';
import Redis from 'ioredis';
import { buildApp } from './api/app';
import { makeAlertIntakeRoutes } from './api/routes/alerts.routes';
import { appDeps, bootCore, bootJobs } from './boot';
import { bootBot, bootSender } from './boot-bot';
import { loadConfig } from './config';
import { makeLogger } from './logger';

/** Composition root of `npm start`: config → database → bot → jobs → HTTP; SIGTERM closes all. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL);
  const core = await bootCore(config, logger);
  const { plugins } = await bootBot(core);
  // Rate limits shared by every process that sends to WeCom; commands wait while Redis is away.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: false });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis (rate limits) unavailable'));
  const jobs = bootJobs(core, bootSender(core, redis), config.WORKERS === 'inline');
  plugins.push(makeAlertIntakeRoutes({ token: config.ALERTS_TOKEN, alerts: () => core.services.alerts }));
  const app = buildApp(await appDeps(core, jobs, plugins));
  const server: Server = app.listen(config.PORT, () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    logger.info({ port }, `listening on http://127.0.0.1:${port} (API docs at /docs)`);
  });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await jobs.stop();
    redis.disconnect();
    await core.ds.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: Error) => {
  // Configuration errors already name the variable; print them plainly and stop.
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
