import { resolve } from 'node:path';
import type Koa from 'koa';
import { buildApp } from './api/app';
import { makeWebSessions } from './api/auth/web-session';
import { makeWecomOAuth } from './api/web/wecom-oauth';
import { makeDashboard } from './api/dashboard';
import type { ApiPlugin } from './api/deps';
import { makeAlertIntakeRoutes } from './api/routes/alerts.routes';
import { makeBotRoutes } from './api/routes/bot.routes';
import { makeKbRoutes } from './api/routes/kb.routes';
import { makeInspectionRunRoutes } from './api/routes/inspection-run.routes';
import { makeSummaryPages } from './api/summaries/summary-pages';
import { makeWecomCallbackRoutes } from './api/wecom/callback.routes';
import type { System } from './system';
import type { BotParts } from './system-bot';

/** The Koa app: the API, the bot's routes, alert intake, summary pages and, with jobs, the queue dashboard. */
export function buildHttpApp(system: System, bot: BotParts, secret: string): Koa {
  const { config, services, clock, logger, metrics, tokens, jobs, store, wecomClient } = system;
  const webSessions = makeWebSessions(secret, clock);
  const wecomOAuth = wecomClient
    ? makeWecomOAuth({
        oauthBase: config.WECOM_OAUTH_BASE,
        corpId: config.WECOM_CORP_ID!,
        agentId: config.WECOM_AGENT_ID!,
        resolveCode: (code) => wecomClient.userForOAuthCode(code),
        sessions: webSessions,
        users: services.users,
        clock,
        logger,
        secret,
      })
    : null;
  const plugins: ApiPlugin[] = [
    makeBotRoutes({ bot: bot.bot, users: services.users, clock }),
    makeKbRoutes({ kb: bot.kbAdmin }),
    makeAlertIntakeRoutes({ token: config.ALERTS_TOKEN, alerts: () => services.alerts }),
    makeSummaryPages({ links: system.summaryLinks, summaries: services.summaries }),
  ];
  if (bot.wecomCallback) {
    plugins.push(makeWecomCallbackRoutes({ codec: bot.wecomCallback, bot: bot.bot, inbox: services.exchangeLog, clock, logger }));
    logger.info('WeCom callback enabled at /wecom/callback');
  }
  if (jobs?.inspections) plugins.push(makeInspectionRunRoutes(jobs.inspections.inspection));
  if (jobs) plugins.push(makeDashboard({ queues: Object.values(jobs.queues), tokens, users: services.users, clock, secret }));
  return buildApp({
    logger,
    clock,
    tokens,
    webSessions,
    web: { dir: resolve(config.WEB_DIR), wecomOAuth },
    metrics,
    services,
    bodyLimit: config.BODY_LIMIT,
    trustProxy: config.TRUST_PROXY,
    metricsToken: config.METRICS_TOKEN,
    ping: () => store.ping(),
    healthChecks: {
      // Read at request time: an app process may start its jobs after the app is built.
      ...(jobs ? { queues: () => system.jobs!.health() } : {}),
      alerts: () => services.alerts.health(),
    },
    plugins,
  });
}
