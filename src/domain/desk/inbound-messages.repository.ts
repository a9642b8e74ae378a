import { randomBytes } from 'node:crypto';
import type { RepoContext } from '../db/store';
import { InboundMessage } from './inbound-message.entity';

/** Inbound channel messages, each claimed by one process (WeCom retries a callback up to 3 times). */
export function makeInboundMessageRepository({ em, dialect }: RepoContext) {
  return {
    /**
     * Claims a message for this process: insert-or-ignore on (channel, messageKey), then read the
     * row back — only the inserter finds its own token. Run it in a transaction.
     */
    async claim(channel: string, messageKey: string, now: Date): Promise<boolean> {
      const token = randomBytes(12).toString('hex');
      const key = messageKey.slice(0, 160);
      await dialect.insertIgnore(em, InboundMessage, { channel, messageKey: key, claimToken: token, receivedAt: now });
      const row = await em.findOne(InboundMessage, { where: { channel, messageKey: key }, select: { id: true, claimToken: true } });
      return row?.claimToken === token;
    },
  };
}
export type InboundMessageRepository = ReturnType<typeof makeInboundMessageRepository>;
