import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { makeTokenService, type TokenService } from './api/auth/token';
import { makeLoginLimiter } from './api/auth/login-limiter';
import { makeSummaryLinks, type SummaryLinkSigner } from './api/summaries/summary-link';
import { registerJobGauges } from './boot-metrics';
import type { Config } from './config';
import { systemClock, type Clock } from './domain/clock';
import { openDatabase } from './domain/db/data-source';
import { dialectOf } from './domain/db/dialect';
import { makeDomainStore, type DomainStore } from './domain/db/repositories';
import { makeLockNotice } from './domain/identity/lock-notice';
import type { LockNotice } from './domain/identity/user.service';
import type { MessageSender } from './domain/outbox/outbox.types';
import { makeDomainServices, type DomainServices } from './domain/services';
import { recordSeparationOfDuties } from './domain/settings/controls';
import type { RelayOptions } from './jobs/outbox-relay';
import { startJobsRuntime, type JobsRuntime } from './jobs/runtime';
import type { Logger } from './logger';
import { makeRedisFactory, type RedisFactory } from './redis';
import { buildHttpApp } from './system-http';
import { buildJobsSetup } from './system-jobs';
import type { WecomClient } from './bot/channels/wecom/client';
import { buildBot, buildSender, buildWecomClient, wecomAppConfigured, type BotParts } from './system-bot';

/**
 * What may differ from production when a system is built: the clock, an already open database
 * (tests give each file its own schema), the Redis URL and the WeCom API base (the fake server's
 * port is known only at run time). Everything else comes from the Config.
 */
export interface SystemOverrides {
  clock?: Clock;
  database?: DataSource;
  redisUrl?: string;
  wecomApiBase?: string;
}

/** A built service: the same wiring for `npm start`, `npm run worker`, the tests, the benches and the CLIs. */
export interface System {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** The open database (closed by close()). */
  ds: DataSource;
  store: DomainStore;
  services: DomainServices;
  metrics: Registry;
  tokens: TokenService;
  summaryLinks: SummaryLinkSigner;
  redis: RedisFactory;
  /** The outbound WeCom sender; null when the channel is not configured. */
  sender: MessageSender | null;
  /** The WeCom app client (web authorisation shares its access-token cache); null when WeCom is not configured. */
  wecomClient: WecomClient | null;
  /** Started job queues (outbox relay, SLA timers, schedules, workers when asked); null until startJobs. */
  jobs: JobsRuntime | null;
  startJobs(opts: { runWorkers: boolean; relay?: RelayOptions }): JobsRuntime;
  /** The bot with its trained (or cached) model; built on first use. */
  bot(): Promise<BotParts>;
  /** The Koa app with every route; built on first use, after startJobs when the process runs jobs. */
  app(): Promise<Koa>;
  /** Serves the app on config.PORT (or `port`); resolves with the bound port. */
  listen(port?: number, host?: string): Promise<number>;
  /** Graceful stop: no new requests, in-flight requests and jobs finish, then Redis and the database close. */
  close(): Promise<void>;
}

/** Builds the system: database, domain services, first admin, demo data (DEMO=1); the bot, jobs and HTTP on demand. */
export async function buildSystem(config: Config, logger: Logger, overrides: SystemOverrides = {}): Promise<System> {
  const clock = overrides.clock ?? systemClock;
  const ds = overrides.database ?? (await openDatabase(config.DATABASE_URL));
  logger.info({ db: dialectOf(ds).kind }, 'database ready');
  const store = makeDomainStore(ds);
  // The signing secret is read once: tokens, summary links and the dashboard cookie derive from it.
  const secret = config.AUTH_SECRET ?? (await store.read.settings.getOrCreate('auth.secret', randomSecret));
  const summaryLinks = makeSummaryLinks({ secret, clock, publicUrl: config.PUBLIC_URL });
  const redis = makeRedisFactory(overrides.redisUrl ?? config.REDIS_URL, logger);
  const loginLimiter = makeLoginLimiter({
    redis: () => redis.open('login limits'),
    prefix: config.REDIS_PREFIX,
    fallback: (key, now, windowMs) => store.standalone((w) => w.identity.countThrottled(key, now, windowMs)),
    max: config.LOGIN_MAX_PER_ADDRESS,
    windowMs: config.LOGIN_WINDOW_S * 1000,
    logger,
  });
  const duties = { separate: config.SEPARATION_OF_DUTIES };
  const onLocked = wecomAppConfigured(config) ? lockNoticeLogged(makeLockNotice({ store, clock }), logger) : undefined;
  const services = makeDomainServices({ store, clock, publicUrl: config.PUBLIC_URL, summaryLinks, loginLimiter, onLocked, duties });
  if (await recordSeparationOfDuties(store, clock, duties.separate)) {
    logger.warn({ separationOfDuties: duties.separate }, 'SEPARATION_OF_DUTIES changed since the last start (recorded in the audit trail)');
  }
  if (config.ADMIN_USERNAME && config.ADMIN_PASSWORD && (await services.users.ensureAdmin(config.ADMIN_USERNAME, config.ADMIN_PASSWORD))) {
    logger.info({ username: config.ADMIN_USERNAME }, 'first admin created');
  }
  if (config.DEMO) await loadDemo(ds, config, logger);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const wecomApiBase = overrides.wecomApiBase ?? config.WECOM_API_BASE;
  const wecomClient = buildWecomClient({ config, logger, wecomApiBase });
  const sender = buildSender({ config, logger, redis, wecomApiBase, client: wecomClient });
  const tokens = makeTokenService(secret, config.TOKEN_TTL_S, clock);

  let bot: Promise<BotParts> | undefined;
  let app: Promise<Koa> | undefined;
  let server: Server | undefined;
  const system: System = {
    config,
    logger,
    clock,
    ds,
    store,
    services,
    metrics,
    tokens,
    summaryLinks,
    redis,
    sender,
    wecomClient,
    jobs: null,
    startJobs(opts) {
      if (system.jobs) return system.jobs;
      system.jobs = startJobsRuntime({
        ...buildJobsSetup(system),
        redis,
        prefix: config.REDIS_PREFIX,
        sender,
        runWorkers: opts.runWorkers,
        relay: opts.relay,
      });
      registerJobGauges(metrics, system.jobs);
      return system.jobs;
    },
    bot: () => (bot ??= buildBot(system)),
    app: () => (app ??= system.bot().then((parts) => buildHttpApp(system, parts, secret))),
    async listen(port = config.PORT, host) {
      const koa = await system.app();
      server = await new Promise<Server>((resolve) => {
        const s = host ? koa.listen(port, host, () => resolve(s)) : koa.listen(port, () => resolve(s));
      });
      return (server.address() as AddressInfo).port;
    },
    async close() {
      // HTTP first: a request still running may write to the outbox, which the relay then drains.
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await system.jobs?.stop();
      redis.closeAll();
      // A database given by the caller stays open: its owner closes it.
      if (!overrides.database && ds.isInitialized) await ds.destroy();
    },
  };
  return system;
}

const randomSecret = (): string => randomBytes(48).toString('base64url');

/**
 * The lock notice as login calls it: only while the WeCom app channel is on (a notice queued while
 * it is off would arrive long after the lock), and a notice that cannot be queued is logged, never
 * turned into a different login answer.
 */
function lockNoticeLogged(notice: LockNotice, logger: Logger): LockNotice {
  return async (user, lockedUntil) => {
    try {
      await notice(user, lockedUntil);
    } catch (err) {
      logger.error({ err, userId: user.id }, 'account lock notice could not be queued');
    }
  };
}

/** DEMO=1: loads the demo bureau into an empty database; the loader is not part of a production start. */
async function loadDemo(ds: DataSource, config: Config, logger: Logger): Promise<void> {
  const demo = await import('../tools/demo/demo-data');
  if (!(await demo.isDatabaseEmpty(ds))) {
    logger.info('DEMO=1 but the database already has data: demo not loaded');
    return;
  }
  logger.info('DEMO=1 and the database is empty: loading demo data (about 10 s)');
  const summary = await demo.loadDemoInto(ds, config, logger);
  logger.info({ summary }, `demo data loaded; demo users' password is ${demo.DEMO_PASSWORD}`);
}
