import { z } from 'zod';
import type { ApiPlugin } from '../api/deps';
import { defineRoute } from '../api/http/route';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Bot } from './bot';
import { botMessageSchema, dialogResultSchema } from './dialog/dialog.schemas';
import type { NlpModel } from './dialog/nlp-holder';

export interface BotRoutesDeps {
  bot: Bot;
  clock: Clock;
  logger: Logger;
  /** Builds a fresh (kb, classifier) pair from the knowledge base on disk; absent = no /kb/train. */
  rebuildModel?: () => Promise<NlpModel & { fromCache?: boolean }>;
}

const intentView = z.object({ intent: z.string(), kind: z.string(), description: z.string(), utterances: z.number().int(), answers: z.array(z.string()) });

/** POST /api/v1/bot/messages (the channel-independent entry) and the KB list/retrain routes. */
export function makeBotRoutes(deps: BotRoutesDeps): ApiPlugin {
  return {
    register({ api, registry }) {
      defineRoute(api, registry, {
        method: 'post', path: '/bot/messages', tag: 'bot', summary: '向机器人发送一条消息（与企业微信同一流程）', roles: ['admin', 'operator'],
        body: botMessageSchema, response: dialogResultSchema,
        handler: ({ body }) => deps.bot.handleMessage({ channel: 'api', senderId: body.senderId, text: body.text, messageId: body.messageId ?? null, receivedAt: deps.clock.now() }),
      });
      defineRoute(api, registry, {
        method: 'get', path: '/kb/intents', tag: 'kb', summary: '知识库意图列表', roles: ['admin', 'operator', 'engineer'],
        response: z.object({ version: z.string(), items: z.array(intentView) }),
        handler: async () => {
          const { kb } = deps.bot.nlp.current();
          return {
            version: kb.version,
            items: kb.intents.map((i) => ({ intent: i.intent, kind: i.kind, description: i.description, utterances: i.utterances.length, answers: i.answers })),
          };
        },
      });
      const rebuild = deps.rebuildModel;
      if (!rebuild) return;
      defineRoute(api, registry, {
        method: 'post', path: '/kb/train', tag: 'kb', summary: '重新加载知识库并训练（不停机）', roles: ['admin'],
        response: z.object({ version: z.string(), previousVersion: z.string(), intents: z.number().int(), fromCache: z.boolean(), ms: z.number() }),
        handler: async () => {
          const previousVersion = deps.bot.nlp.current().kb.version;
          const started = Date.now();
          let fromCache = false;
          // An invalid corpus throws KnowledgeBaseError (400) before the swap: the live model stays.
          const next = await deps.bot.nlp.retrain(async () => {
            const built = await rebuild();
            fromCache = built.fromCache ?? false;
            return { kb: built.kb, classifier: built.classifier };
          });
          deps.logger.info({ version: next.kb.version, previousVersion }, 'knowledge base retrained');
          return { version: next.kb.version, previousVersion, intents: next.kb.intents.length, fromCache, ms: Date.now() - started };
        },
      });
    },
  };
}
