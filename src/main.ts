import 'reflect-metadata';
import { startService } from './boot-app';
import { loadConfig } from './config';
import { makeLogger } from './logger';

/** Composition root of `npm start`: config → database → bot → jobs → HTTP; SIGTERM closes all. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL);
  const service = await startService(config, logger);
  logger.info({ port: service.port }, `listening on http://127.0.0.1:${service.port} (API docs at /docs, queues at /admin/queues)`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing requests and active jobs');
    await service.close();
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
