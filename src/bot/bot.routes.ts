import type { ApiPlugin } from '../api/deps';
import { defineRoute } from '../api/http/route';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Bot } from './bot';
import { botMessageSchema, dialogResultSchema } from './dialog/dialog.schemas';
import type { NlpModel } from './dialog/nlp-holder';
import { makeKbRoutes } from './kb.routes';

export interface BotRoutesDeps {
  bot: Bot;
  clock: Clock;
  logger: Logger;
  /** Builds a fresh (kb, classifier) pair; given = also the read-only /kb routes (boot-bot wires the full set from kb.routes.ts). */
  rebuildModel?: () => Promise<NlpModel & { fromCache?: boolean }>;
}

/** POST /api/v1/bot/messages: the channel-independent entry. */
export function makeBotRoutes(deps: BotRoutesDeps): ApiPlugin {
  return {
    register(routers) {
      const { api, registry } = routers;
      defineRoute(api, registry, {
        method: 'post',
        path: '/bot/messages',
        tag: 'bot',
        summary: '向机器人发送一条消息（与企业微信同一流程）',
        permission: 'bot.simulate',
        body: botMessageSchema,
        response: dialogResultSchema,
        handler: ({ body }) =>
          deps.bot.handleMessage({
            channel: 'api',
            senderId: body.senderId,
            text: body.text,
            messageId: body.messageId ?? null,
            receivedAt: deps.clock.now(),
          }),
      });
      // Older wiring (tests' bot fixtures): the read-only list and retrain of the reviewed files.
      if (deps.rebuildModel) makeKbRoutes({ bot: deps.bot, logger: deps.logger, rebuild: deps.rebuildModel }).register(routers);
    },
  };
}
