import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/domain/db/dialect';
import { rawWrites } from '../../src/domain/db/raw-writes';
import { makeStore, type RepoContext } from '../../src/domain/db/store';
import { Setting } from '../../src/domain/settings/setting.entity';
import { onPostgres, openTestDb } from '../helpers/test-db';

/**
 * A transaction's writes that nothing waits for (rawWrites.writeAll): on PostgreSQL they are put on
 * the pipelined connection and answered before the commit; on SQLite they run at once. Either way
 * the statements after them see them, and one that fails fails the whole transaction with its own error.
 */
/** `then` handlers that give a settled transaction's error (null when it committed). */
const failure = [() => null, (err: unknown) => err] as const;

describe('writes sent without waiting, in a transaction', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  const build = (ctx: RepoContext) => ({ raw: rawWrites(ctx), ctx });
  let store: ReturnType<typeof makeStore<ReturnType<typeof build>>>;

  const valueOf = async (key: string, em = db.ds.manager): Promise<string | null> => {
    const sql = dialectOf(db.ds).sql();
    const rows: Array<{ value: string }> = await em.query(`SELECT "value" FROM "app_setting" WHERE "key" = ${sql.p(key)}`, sql.params);
    return rows[0]?.value ?? null;
  };

  beforeAll(async () => {
    db = await openTestDb();
    store = makeStore(db.ds, build);
  });
  afterAll(async () => db?.close());

  it('when a write is sent and a read follows at once, then the read sees it and the commit keeps it', async () => {
    const seen = await store.transaction(async ({ raw, ctx }) => {
      await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.a', value: '1' })]);
      await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.b', value: '2' }), raw.insertSql(Setting, { key: 'pipe.c', value: '3' })]);
      return [await valueOf('pipe.a', ctx.em), await valueOf('pipe.b', ctx.em), await valueOf('pipe.c', ctx.em)];
    });
    expect(seen).toEqual(['1', '2', '3']);
    expect([await valueOf('pipe.a'), await valueOf('pipe.b'), await valueOf('pipe.c')]).toEqual(['1', '2', '3']);
  });

  it('when a sent write fails and the work reads on, then the transaction fails with that write’s error and keeps nothing', async () => {
    let returned = false;
    const failed = await store
      .transaction(async ({ raw, ctx }) => {
        await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.x', value: '1' })]);
        await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.x', value: '2' })]);
        // On PostgreSQL the duplicate is still on its way: the call returned, and the read after it
        // fails only because the transaction is aborted.
        returned = true;
        await valueOf('pipe.x', ctx.em);
      })
      .then(...failure);
    expect(returned).toBe(onPostgres);
    expect(dialectOf(db.ds).isUniqueViolation(failed)).toBe(true);
    expect(await valueOf('pipe.x')).toBeNull();
  });

  it('when the failing write is the work’s last statement, then the commit does not happen and the write’s error is thrown', async () => {
    const failed = await store
      .transaction(async ({ raw }) => {
        await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.d', value: '1' })]);
        await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.d', value: '2' })]);
        return 'done';
      })
      .then(...failure);
    expect(dialectOf(db.ds).isUniqueViolation(failed)).toBe(true);
    expect(await valueOf('pipe.d')).toBeNull();
  });

  it('when the work throws its own error after a write that went through, then that error is thrown and nothing is kept', async () => {
    const failed = await store
      .transaction(async ({ raw }) => {
        await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.e', value: '1' })]);
        throw new Error('refused by a rule');
      })
      .then(...failure);
    expect((failed as Error).message).toBe('refused by a rule');
    expect(await valueOf('pipe.e')).toBeNull();
  });

  it.runIf(onPostgres)('when statements are queued together, then they leave the connection in one socket write', async () => {
    const writes = await store.transaction(async ({ raw, ctx }) => {
      // The transaction's own socket: count what reaches it, not what is queued on it.
      type SocketWrite = (...a: unknown[]) => unknown;
      const client = (
        ctx.em.queryRunner as unknown as { databaseConnection: { connection: { stream: { _writev: SocketWrite; _write: SocketWrite } } } }
      ).databaseConnection;
      const socket = client.connection.stream;
      let n = 0;
      const writev = socket._writev.bind(socket);
      const write = socket._write.bind(socket);
      socket._writev = (...a: unknown[]) => (n++, writev(...a));
      socket._write = (...a: unknown[]) => (n++, write(...a));
      try {
        await raw.writeAll([raw.insertSql(Setting, { key: 'pipe.f', value: '1' })]);
        const read = Promise.all([valueOf('pipe.f', ctx.em), valueOf('pipe.g', ctx.em)]);
        expect(await read).toEqual(['1', null]);
        return n;
      } finally {
        socket._writev = writev;
        socket._write = write;
      }
    });
    // The write and both reads: three statements, one write (the reads reach the client after TypeORM's awaits).
    expect(writes).toBe(1);
  });
});
