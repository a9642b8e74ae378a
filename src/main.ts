import 'reflect-metadata';
import type { Server } from 'node:http';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { makeTokenService } from './api/auth/token';
import { buildApp } from './api/app';
import { loadConfig } from './config';
import { systemClock } from './domain/clock';
import { openDatabase } from './domain/db/data-source';
import { makeDomainServices } from './domain/services';
import { authSecretFromDb } from './domain/settings/settings.service';
import { makeLogger } from './logger';

/** Composition root: config → database → services → HTTP; SIGTERM/SIGINT close everything. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL);
  const clock = systemClock;
  const ds = await openDatabase(config.DATABASE_URL);
  logger.info({ db: ds.options.type }, 'database ready');

  const services = makeDomainServices({ ds, clock });
  if (config.ADMIN_USERNAME && config.ADMIN_PASSWORD) {
    if (await services.users.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD)) {
      logger.info({ username: config.ADMIN_USERNAME }, 'first admin created');
    }
  }
  const secret = config.AUTH_SECRET ?? (await authSecretFromDb(ds));
  const tokens = makeTokenService(secret, config.TOKEN_TTL_S, clock);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });

  const app = buildApp({ ds, logger, clock, tokens, metrics, services, bodyLimit: config.BODY_LIMIT });
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
    await ds.destroy();
    logger.info('bye');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: Error) => {
  // Config errors name the variable; print them plainly and stop.
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
