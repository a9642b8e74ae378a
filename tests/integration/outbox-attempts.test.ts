import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/domain/db/dialect';
import { makeOutboxRepository } from '../../src/domain/outbox/outbox.repository';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { statementsDuring } from '../helpers/statements';
import { openTestDb } from '../helpers/test-db';

/**
 * A failed send is recorded as its count and its error together: a reader between two statements
 * (the health check, the desk's outbox list, a test polling for "an attempt failed") saw the
 * attempt counted with no error beside it.
 */
describe('recording a failed send', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let outbox: ReturnType<typeof makeOutboxRepository>;

  beforeAll(async () => {
    db = await openTestDb();
    outbox = makeOutboxRepository({ em: db.ds.manager, dialect: dialectOf(db.ds) });
  });
  afterAll(async () => db?.close());

  it('when a send fails twice, then each failure is one statement that counts the attempt and keeps its error', async () => {
    await outbox.enqueue('attempts-1', { channel: 'app', toUsers: ['zhangsan'], kind: 'text', content: '您的申请已受理' }, new Date());
    const { id } = await db.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: 'attempts-1' });

    const sent = await statementsDuring(db.ds, () => outbox.recordAttempt(id, 'WeCom HTTP 500'));
    expect(sent.filter((q) => !/^(BEGIN|COMMIT|START TRANSACTION)/i.test(q))).toHaveLength(1);
    expect(await db.ds.getRepository(OutboxMessage).findOneByOrFail({ id })).toMatchObject({ attempts: 1, lastError: 'WeCom HTTP 500' });

    await outbox.recordAttempt(id, 'x'.repeat(600));
    const row = await db.ds.getRepository(OutboxMessage).findOneByOrFail({ id });
    expect(row.attempts).toBe(2);
    expect(row.lastError).toBe('x'.repeat(500));
    expect(row.status).toBe('pending');
  });
});
