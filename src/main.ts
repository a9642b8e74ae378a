import 'reflect-metadata';
import { startService } from './boot-app';
import { loadConfig } from './config';
import { makeLogger } from './logger';
import { closeOnSignals, exitOnStartupError } from './shutdown';

/** Composition root of `npm start`: config → database → bot → jobs → HTTP; SIGTERM closes all. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL);
  const service = await startService(config, logger);
  logger.info({ port: service.port }, `listening on http://127.0.0.1:${service.port} (API docs at /docs, queues at /admin/queues)`);

  closeOnSignals(logger, 'shutting down: no new requests, finishing requests and active jobs', () => service.close());
}

main().catch(exitOnStartupError);
