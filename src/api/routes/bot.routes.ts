import type { Clock } from '../../domain/clock';
import type { BotPort } from '../../domain/ports/bot';
import { botMessageSchema, dialogResultSchema } from '../../domain/ports/bot.schemas';
import type { ApiPlugin } from '../deps';
import { defineRoute } from '../http/route';

/** POST /api/v1/bot/messages: the channel-independent entry, the same pipeline as WeCom. */
export function makeBotRoutes(deps: { bot: Pick<BotPort, 'handleMessage'>; clock: Clock }): ApiPlugin {
  return {
    register({ api, registry }) {
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
    },
  };
}
