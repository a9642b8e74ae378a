import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { RepoContext } from '../db/store';
import { BotExchange } from './exchange.entity';
import { InboundMessage } from './inbound-message.entity';

/** One exchange row as the bot stores it (lengths already fitted to the columns). */
export type NewExchange = Omit<BotExchange, 'id'>;

/** INSERT … that ignores a duplicate key, in one statement; the number of rows it inserted (0 or 1). */
async function insertIgnoreCount(em: EntityManager, values: Partial<InboundMessage>): Promise<number> {
  const [sql, params] = em.createQueryBuilder().insert().into(InboundMessage).values(values).orIgnore().getQueryAndParameters();
  // The structured result carries the affected-row count on both drivers (changes / rowCount).
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).affected ?? 0;
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

/** The bot's own records: inbound claims (WeCom retries), the exchange log, late answers for the outbox. */
export function makeExchangeRepository({ em }: RepoContext) {
  return {
    /** Appends one exchange (a single INSERT). */
    async insert(row: NewExchange): Promise<void> {
      // One statement: nothing is read back (a column with a default would otherwise be re-selected).
      await em
        .createQueryBuilder()
        .insert()
        .into(BotExchange)
        .values(row as never)
        .updateEntity(false)
        .execute();
    },

    /**
     * Claims an inbound message: true for the one caller whose insert created (channel, key).
     * One statement, so it is atomic without a transaction on either engine and across processes.
     */
    async claimInbound(channel: string, messageKey: string, now: Date): Promise<boolean> {
      const claimToken = randomBytes(12).toString('hex');
      return (await insertIgnoreCount(em, { channel, messageKey: messageKey.slice(0, 160), claimToken, receivedAt: now })) === 1;
    },
  };
}
export type ExchangeRepository = ReturnType<typeof makeExchangeRepository>;
