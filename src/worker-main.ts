import 'reflect-metadata';
import Redis from 'ioredis';
import { bootCore, bootJobs } from './boot';
import { bootSender } from './boot-bot';
import { loadConfig } from './config';
import { makeLogger } from './logger';
import { closeOnSignals, exitOnStartupError } from './shutdown';

/** `npm run worker`: job workers without HTTP; any number may run beside the app processes. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL).child({ process: 'worker' });
  const core = await bootCore(config, logger);
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: false });
  redis.on('error', (err) => logger.debug({ err: err.message }, 'redis (rate limits) unavailable'));
  const jobs = bootJobs(core, bootSender(core, redis), true);
  logger.info('worker started');

  closeOnSignals(logger, 'worker shutting down: finishing active jobs', async () => {
    await jobs.stop();
    redis.disconnect();
    await core.ds.destroy();
  });
}

main().catch(exitOnStartupError);
