import { randomBytes } from 'node:crypto';
import { rawWrites } from '../db/raw-writes';
import type { RepoContext } from '../db/store';
import { BotExchange } from './exchange.entity';
import { InboundMessage } from './inbound-message.entity';

/** One exchange row as the bot stores it (lengths already fitted to the columns). */
export type NewExchange = Omit<BotExchange, 'id'>;

/** The bot's own records: inbound claims (WeCom retries), the exchange log, late answers for the outbox. */
export function makeExchangeRepository(ctx: RepoContext) {
  const { em, dialect } = ctx;
  // Each bot turn writes here once or twice: statements sent as text (raw-writes.ts), not through
  // TypeORM's insert builder, which cost more CPU than the insert itself (bench:bot profile, 2026-12-06).
  const writes = rawWrites(ctx);
  return {
    /** Appends one exchange (a single INSERT; nothing is read back). */
    async insert(row: NewExchange): Promise<void> {
      const w = writes.insertSql(BotExchange, row);
      await dialect.execute(em, w.text, w.params);
    },

    /**
     * Claims an inbound message: true for the one caller whose insert created (channel, key).
     * One statement, so it is atomic without a transaction on either engine and across processes.
     */
    async claimInbound(channel: string, messageKey: string, now: Date): Promise<boolean> {
      const claimToken = randomBytes(12).toString('hex');
      const w = writes.insertSql(InboundMessage, { channel, messageKey: messageKey.slice(0, 160), claimToken, receivedAt: now });
      // ON CONFLICT DO NOTHING is the same on both engines; the count it reports is 0 for a duplicate.
      return (await dialect.execute(em, `${w.text} ON CONFLICT DO NOTHING`, w.params)) === 1;
    },
  };
}
export type ExchangeRepository = ReturnType<typeof makeExchangeRepository>;
