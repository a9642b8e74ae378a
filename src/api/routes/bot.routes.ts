import type { Clock } from '../../domain/clock';
import type { UserService } from '../../domain/identity/user.service';
import type { BotPort } from '../../domain/ports/bot';
import { botMessageSchema, dialogResultSchema } from '../../domain/ports/bot.schemas';
import type { ApiPlugin } from '../deps';
import { defineRoute } from '../http/route';

/**
 * POST /api/v1/bot/messages: the channel-independent entry, the same pipeline as WeCom, spoken as
 * the signed-in user. Only an admin may name another sender (bot.simulate); for anyone else that
 * is 403 before the bot sees the message, so nothing is answered, logged or escalated.
 */
export function makeBotRoutes(deps: {
  bot: Pick<BotPort, 'handleMessage'>;
  users: Pick<UserService, 'botSpeaker'>;
  clock: Clock;
}): ApiPlugin {
  return {
    register({ api, registry }) {
      defineRoute(api, registry, {
        method: 'post',
        path: '/bot/messages',
        tag: 'bot',
        summary: '以本人身份向机器人发送一条消息（与企业微信同一流程；系统管理员可代其他成员测试）',
        permission: 'bot.chat',
        body: botMessageSchema,
        response: dialogResultSchema,
        handler: async ({ body, actor }) =>
          deps.bot.handleMessage({
            channel: 'api',
            ...(await deps.users.botSpeaker(actor, body.senderId)),
            text: body.text,
            messageId: body.messageId ?? null,
            receivedAt: deps.clock.now(),
          }),
      });
    },
  };
}
