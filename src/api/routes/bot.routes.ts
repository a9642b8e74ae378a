import type { Clock } from '../../domain/clock';
import type { UserService } from '../../domain/identity/user.service';
import type { BotPort } from '../../domain/ports/bot';
import { botMessageSchema, buttonPressSchema, buttonResultSchema, dialogResultSchema } from '../../domain/ports/bot.schemas';
import type { ApiPlugin } from '../deps';
import { defineRoute } from '../http/route';

/**
 * POST /api/v1/bot/messages: the channel-independent entry, the same pipeline as WeCom, spoken as
 * the signed-in user. Only an admin may name another sender (bot.simulate); for anyone else that
 * is 403 before the bot sees the message, so nothing is answered, logged or escalated.
 */
export function makeBotRoutes(deps: {
  bot: Pick<BotPort, 'handleMessage' | 'pressButton'>;
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
      defineRoute(api, registry, {
        method: 'post',
        path: '/bot/buttons',
        tag: 'bot',
        summary: '以本人身份按下卡片按钮（与企业微信卡片回调同一处理：确认提交、取消、通过、退回……）',
        permission: 'bot.chat',
        body: buttonPressSchema,
        response: buttonResultSchema,
        handler: async ({ body, actor }) =>
          deps.bot.pressButton({
            channel: 'api',
            ...(await deps.users.botSpeaker(actor)),
            key: body.key,
            receivedAt: deps.clock.now(),
          }),
      });
    },
  };
}
