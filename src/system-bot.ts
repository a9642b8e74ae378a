import { resolve } from 'node:path';
import { makeBot, type Bot } from './bot/bot';
import { makeWecomCallbackCodec } from './bot/channels/wecom/callback-codec';
import { makeWecomClient, type WecomClient } from './bot/channels/wecom/client';
import { makeWecomRobot, type WecomRobot } from './bot/channels/wecom/robot';
import { makeWecomSender } from './bot/channels/wecom/sender';
import { makeRedisRateLimiter, wecomRateLimits } from './bot/channels/wecom/throttle';
import { throttleSender } from './bot/channels/wecom/throttled-sender';
import { makeKbAdmin } from './bot/kb-admin';
import { makeClassifier } from './bot/nlp/classifier';
import { makeKbCorpus } from './bot/nlp/kb-corpus';
import { makeKbParseCache } from './bot/nlp/kb-parse-cache';
import { loadOrTrain, makeModelCache } from './bot/nlp/model-cache';
import { makePromBotMetrics } from './boot-metrics';
import type { Config } from './config';
import { makeKbChangeService, type KbChangeService } from './domain/kb/kb-change.service';
import type { Clock } from './domain/clock';
import type { CardSentHook, MessageSender } from './domain/outbox/outbox.types';
import type { KbAdminPort } from './domain/ports/bot';
import type { CallbackCodec } from './domain/ports/channel';
import type { Logger } from './logger';
import type { RedisFactory } from './redis';
import type { System } from './system';

/** The bot and the ports the API's routes call (system-http.ts mounts them). */
export interface BotParts {
  /** The conversation (a BotPort), with its live model and per-user context for tests and the admin port. */
  bot: Bot;
  /** Reviewed changes to the knowledge base (the learning loop's proposals, overlay edits). */
  changes: KbChangeService;
  /** /kb: browse, edit, review, retrain, export. */
  kbAdmin: KbAdminPort;
  /** The WeCom callback protocol; null when the callback is not configured. */
  wecomCallback: CallbackCodec | null;
}

/** Builds the effective knowledge base (reviewed files + approved overlay) and restores (or trains and caches) the classifier. */
async function buildModel(system: System, corpus: ReturnType<typeof makeKbCorpus>, changes: KbChangeService) {
  const kb = corpus.knowledgeBase(await changes.approved());
  const classifier = makeClassifier();
  const cache = makeModelCache({ dir: resolve(system.config.NLP_MODEL_DIR), logger: system.logger });
  const { fromCache } = await loadOrTrain({ kb, cache, classifier, logger: system.logger });
  return { kb, classifier, fromCache };
}

/** The bot over the domain services, its knowledge-base admin and, when configured, the WeCom callback codec. */
export async function buildBot(system: System): Promise<BotParts> {
  const { config, store, clock, logger, services } = system;
  const corpus = makeKbCorpus({
    dir: resolve(config.KB_DIR),
    parsed: makeKbParseCache(resolve(config.NLP_MODEL_DIR, 'kb-parsed.json')),
  });
  const changes = makeKbChangeService({ store, clock, corpus });
  const rebuild = () => buildModel(system, corpus, changes);
  const model = await rebuild();
  const bot = makeBot({
    clock,
    logger,
    kb: model.kb,
    classifier: model.classifier,
    threshold: config.NLP_THRESHOLD,
    services,
    metrics: makePromBotMetrics(system.metrics),
  });
  const kbAdmin = makeKbAdmin({ nlp: bot.nlp, rebuild, changes, logger });
  let wecomCallback: CallbackCodec | null = null;
  if (config.WECOM_TOKEN && config.WECOM_AES_KEY && config.WECOM_CORP_ID) {
    wecomCallback = makeWecomCallbackCodec({
      token: config.WECOM_TOKEN,
      encodingAESKey: config.WECOM_AES_KEY,
      corpId: config.WECOM_CORP_ID,
      replayWindowS: config.WECOM_REPLAY_WINDOW_S,
      clock,
    });
  }
  return { bot, changes, kbAdmin, wecomCallback };
}

/** The WeCom self-built app's message API is configured (members can be told things in WeCom). */
export const wecomAppConfigured = (config: Config): boolean =>
  Boolean(config.WECOM_CORP_ID && config.WECOM_SECRET && config.WECOM_AGENT_ID);

/** The WeCom app client (one access-token cache for sending and web authorisation); null when WeCom is off. */
export function buildWecomClient(deps: { config: Config; logger: Logger; wecomApiBase: string }): WecomClient | null {
  const { config, logger, wecomApiBase } = deps;
  return wecomAppConfigured(config)
    ? makeWecomClient({
        apiBase: wecomApiBase,
        corpId: config.WECOM_CORP_ID!,
        corpSecret: config.WECOM_SECRET!,
        agentId: config.WECOM_AGENT_ID!,
        logger,
      })
    : null;
}

/** The outbound WeCom sender, throttled across processes through Redis; null when WeCom is off. */
export function buildSender(deps: {
  config: Config;
  logger: Logger;
  redis: RedisFactory;
  wecomApiBase: string;
  client: WecomClient | null;
  /** Keeps the code each sent button card answers (card records). */
  onCardSent?: CardSentHook;
  clock?: Clock;
}): MessageSender | null {
  const { config, logger, redis, wecomApiBase } = deps;
  const client = deps.client ?? undefined;
  const robots: Record<string, WecomRobot> = {};
  if (config.WECOM_ROBOT_KEY) robots.ops = makeWecomRobot({ apiBase: wecomApiBase, key: config.WECOM_ROBOT_KEY, logger });
  if (!client && !config.WECOM_ROBOT_KEY) return null;
  // Rate limits are shared by every process that sends to WeCom; commands wait while Redis is away.
  const limiter = redis.open('wecom rate limits');
  const prefix = `${config.REDIS_PREFIX}:rate`;
  const limits = wecomRateLimits({
    memberPerMin: config.WECOM_MEMBER_PER_MIN,
    memberPerHour: config.WECOM_MEMBER_PER_HOUR,
    robotPerMin: config.WECOM_ROBOT_PER_MIN,
  });
  const clock = deps.clock;
  const now = clock ? () => clock.now() : undefined;
  return throttleSender(makeWecomSender({ client, robots, logger, onCardSent: deps.onCardSent, now }), {
    member: makeRedisRateLimiter({ redis: limiter, prefix, windows: limits.member }),
    robot: makeRedisRateLimiter({ redis: limiter, prefix, windows: limits.robot }),
  });
}
