import type { DataSource } from 'typeorm';
import { dialectOf } from '../../src/domain/db/dialect';
import { PreparingClient } from '../../src/domain/db/pg-prepared';

/** Latency summary in milliseconds. */
export interface Latency {
  p50: number;
  p99: number;
  n: number;
}

/** Runs `fn` `warmup` times untimed, then `reps` times timed; p50/p99 in ms. */
export async function latency(fn: () => Promise<unknown>, reps: number, warmup = Math.ceil(reps / 10)): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { p50: at(0.5), p99: at(0.99), n: reps };
}

/** Wall time of one call in ms. */
export async function once<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

/**
 * The model we avoid: one row per bill, all IN_STOCK, indexed the way its stock query needs.
 * Unit 1 holds `big` bills (a hospital's e-bill stock), units 2…`units` hold `small` each; each
 * unit's bills are spread over `billTypes` types with one batch each.
 */
export async function buildNaiveTable(ds: DataSource, units: number, small: number, big: number, billTypes: number): Promise<number> {
  // The naive model's own DDL differs per engine (it is not the product's schema).
  const pg = dialectOf(ds).kind === 'postgres';
  await ds.query('DROP TABLE IF EXISTS naive_bill');
  await ds.query(`CREATE TABLE naive_bill (id ${pg ? 'bigserial' : 'integer'} PRIMARY KEY, unit_id integer NOT NULL, bill_type_id integer NOT NULL,
                  batch_code varchar(8) NOT NULL, no bigint NOT NULL, state varchar(16) NOT NULL)`);
  // Bill i of a unit block: consecutive numbers per bill type; numbers are unique across the table.
  const fill = async (firstUnit: number, count: number, perUnit: number, firstNo: number) => {
    const per = Math.ceil(perUnit / billTypes);
    const body = `SELECT (i / ${perUnit}) + ${firstUnit}, ((i % ${perUnit}) / ${per}) + 1, CAST(10000000 + ((i % ${perUnit}) / ${per}) AS varchar(8)), i + ${firstNo}, 'IN_STOCK'`;
    const total = count * perUnit;
    if (pg) {
      await ds.query(
        `INSERT INTO naive_bill (unit_id, bill_type_id, batch_code, no, state) ${body.replace(/\bi\b/g, 'g')} FROM generate_series(0, ${total - 1}) AS g`,
      );
    } else {
      await ds.query(`WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${total - 1})
                      INSERT INTO naive_bill (unit_id, bill_type_id, batch_code, no, state) ${body} FROM seq`);
    }
  };
  await fill(1, 1, big, 1);
  await fill(2, units - 1, small, big + 1);
  await ds.query('CREATE INDEX naive_bill_stock ON naive_bill (unit_id, state, bill_type_id, batch_code, no)');
  await ds.query(pg ? 'ANALYZE naive_bill' : 'ANALYZE');
  return Number((await ds.query<Array<{ n: string | number }>>('SELECT COUNT(*) AS n FROM naive_bill'))[0].n);
}

/** The naive stock query for one unit: count and min/max number per bill type and batch. */
export function naiveStock(ds: DataSource, unitId: number): Promise<unknown[]> {
  const sql = dialectOf(ds).sql();
  const p = sql.p(unitId);
  return ds.query(
    `SELECT bill_type_id, batch_code, COUNT(*) AS n, MIN(no) AS lo, MAX(no) AS hi FROM naive_bill
      WHERE unit_id = ${p} AND state = 'IN_STOCK' GROUP BY bill_type_id, batch_code ORDER BY bill_type_id, batch_code`,
    sql.params,
  );
}

/**
 * Calls `seen` with the text of every statement sent through `ds` from now on (BEGIN/COMMIT
 * included), however the service sends it: TypeORM's query builder, find options or raw SQL, or a
 * transaction's writes put straight on its pipelined PostgreSQL connection (Dialect.send). On
 * PostgreSQL that is every statement of the process's pooled clients (the benches open one
 * DataSource), and `behind` tells whether the statement was queued while an earlier one of its
 * connection was still unanswered: it rides in that round trip instead of starting one.
 */
export function onStatement(ds: DataSource, seen: (sql: string, behind: boolean) => void): void {
  if (dialectOf(ds).kind === 'postgres') {
    type ClientQuery = (this: object, config: unknown, ...a: unknown[]) => unknown;
    const proto = PreparingClient.prototype as unknown as { query: ClientQuery };
    const query = proto.query;
    const unanswered = new WeakMap<object, number>();
    proto.query = function (config, ...a) {
      const open = unanswered.get(this) ?? 0;
      seen(typeof config === 'string' ? config : String((config as { text?: string }).text), open > 0);
      const answer = query.call(this, config, ...a);
      if (answer instanceof Promise) {
        unanswered.set(this, open + 1);
        const done = () => unanswered.set(this, (unanswered.get(this) ?? 1) - 1);
        answer.then(done, done);
      }
      return answer;
    };
    return;
  }
  type Runner = { query: (sql: string, ...a: unknown[]) => Promise<unknown> };
  const driver = ds.driver as unknown as { createQueryRunner: (mode: unknown) => Runner };
  const create = driver.createQueryRunner.bind(driver);
  // better-sqlite3 hands out its one runner again and again: wrap each runner once.
  const wrapped = new WeakSet<Runner>();
  driver.createQueryRunner = (mode) => {
    const qr = create(mode);
    if (wrapped.has(qr)) return qr;
    wrapped.add(qr);
    const query = qr.query.bind(qr);
    qr.query = (sql: string, ...a: unknown[]) => {
      seen(sql, false);
      return query(sql, ...a);
    };
    return qr;
  };
}

/**
 * Counts the statements sent through a DataSource, and those that started a round trip of their
 * own (`waited`; on SQLite every one): they do not depend on how loaded the machine is, wall time does.
 */
export function countStatements(ds: DataSource): { readonly n: number; readonly waited: number } {
  const counter = { n: 0, waited: 0 };
  onStatement(ds, (_sql, behind) => {
    counter.n++;
    if (!behind) counter.waited++;
  });
  return counter;
}
