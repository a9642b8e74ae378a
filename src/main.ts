// First: every module after it loads through the code cache.
import { codeCache } from './boot/start-code-cache';
import 'reflect-metadata';
import { loadConfig } from './config';
import { makeLogger } from './logger';
import { closeOnSignals, exitOnStartupError } from './shutdown';
import { buildSystem } from './system';

/** `npm start`: database → services → jobs (workers inline unless WORKERS=off) → bot → HTTP; SIGTERM closes all. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL);
  const system = await buildSystem(config, logger);
  // The model first: a first start trains it for seconds without yielding, and the jobs' Redis
  // set-up started before that would time out on the stalled timers and warn of a Redis outage.
  await system.bot();
  system.startJobs({ runWorkers: config.WORKERS === 'inline' });
  const port = await system.listen();
  if (codeCache && codeCache !== 'built-in') logger.info({ modules: codeCache.stats }, 'modules loaded (code cache)');
  logger.info({ port }, `listening on http://127.0.0.1:${port} (API docs at /docs, queues at /admin/queues)`);
  closeOnSignals(logger, 'shutting down: no new requests, finishing requests and active jobs', () => system.close());
}

main().catch(exitOnStartupError);
