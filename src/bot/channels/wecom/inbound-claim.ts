import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../../../domain/db/transaction';
import { InboundMessage } from '../../../domain/desk/inbound-message.entity';

/**
 * Claims an inbound message for this process: insert-or-ignore on (channel, messageKey), then
 * read the row back — only the inserter finds its own token. Works alike on SQLite and PostgreSQL
 * and across any number of app processes.
 */
export async function claimInbound(ds: DataSource, channel: string, messageKey: string, now: Date): Promise<boolean> {
  const token = randomBytes(12).toString('hex');
  const key = messageKey.slice(0, 160);
  return inTransaction(ds, async (em) => {
    await em
      .createQueryBuilder()
      .insert()
      .into(InboundMessage)
      .values({ channel, messageKey: key, claimToken: token, receivedAt: now } as never)
      .orIgnore()
      .execute();
    const row = await em.findOne(InboundMessage, { where: { channel, messageKey: key }, select: { id: true, claimToken: true } });
    return row?.claimToken === token;
  });
}
