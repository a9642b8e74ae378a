import { PermanentSendError, type CardSentHook, type MessageSender, type OutboundMessage } from '../../../domain/outbox/outbox.types';
import type { Logger } from '../../../logger';
import { WecomApiError } from './api';
import type { SendResult, WecomClient } from './client';
import type { TemplateCard } from './payloads';
import type { WecomRobot } from './robot';

export interface WecomSenderDeps {
  /** The self-built app's client; absent when WECOM_CORP_ID/SECRET/AGENT_ID are not set. */
  client?: WecomClient;
  /** Group robots by the name outbox messages use (e.g. { ops: robot for WECOM_ROBOT_KEY }). */
  robots?: Record<string, WecomRobot>;
  logger: Logger;
  /** Keeps the code a sent button card answers (card records); absent = not kept. */
  onCardSent?: CardSentHook;
  now?: () => Date;
}

/**
 * The outbox's MessageSender over WeCom. A failure WeCom calls final (bad recipient, bad payload,
 * no channel configured) becomes PermanentSendError so the job stops retrying; busy and rate
 * limits are rethrown for the queue's back-off.
 */
export function makeWecomSender(deps: WecomSenderDeps): MessageSender {
  const logger = deps.logger.child({ component: 'wecom-sender' });

  async function deliver(m: OutboundMessage): Promise<void> {
    if (m.channel === 'app') {
      const client = deps.client;
      if (!client) throw new PermanentSendError('WeCom app is not configured (WECOM_CORP_ID, WECOM_SECRET, WECOM_AGENT_ID)');
      let result: SendResult;
      if (m.kind === 'text') result = await client.sendText(m.toUsers, m.content);
      else if (m.kind === 'markdown') result = await client.sendMarkdown(m.toUsers, m.content);
      else if (m.kind === 'textcard')
        result = await client.sendTextCard(m.toUsers, { title: m.title, description: m.description, url: m.url, btntxt: m.btntxt });
      else if (m.kind === 'card_update') {
        await client.updateTemplateCard({
          userIds: m.toUsers,
          responseCode: m.responseCode,
          replaceName: m.replaceName,
          card: m.card as unknown as TemplateCard | undefined,
        });
        return;
      } else {
        result = await client.sendTemplateCard(m.toUsers, m.card as unknown as TemplateCard);
        if (result.responseCode && deps.onCardSent) {
          const taskId = String(m.card.task_id);
          // The card is out: losing the code only means others' copies are not updated later (they are refused on press).
          await deps
            .onCardSent({
              taskId,
              responseCode: result.responseCode,
              toUsers: m.toUsers.filter((u) => !result.invalidUsers.includes(u)),
              at: deps.now?.() ?? new Date(),
            })
            .catch((err: unknown) => logger.error({ err, taskId }, 'card response code could not be kept'));
        }
      }
      if (result.invalidUsers.length > 0)
        logger.warn({ invalid: result.invalidUsers.length, of: m.toUsers.length }, 'some recipients are not reachable in WeCom');
      return;
    }
    const robot = deps.robots?.[m.robot];
    if (!robot) throw new PermanentSendError(`group robot "${m.robot}" is not configured`);
    if (m.kind === 'text') await robot.sendText(m.content);
    else if (m.kind === 'markdown') await robot.sendMarkdown(m.content);
    else throw new PermanentSendError(`group robots cannot send ${m.kind}`);
  }

  return {
    async send(message) {
      try {
        await deliver(message);
      } catch (err) {
        if (err instanceof WecomApiError && !err.retryable) throw new PermanentSendError(err.message);
        throw err;
      }
    },
  };
}
