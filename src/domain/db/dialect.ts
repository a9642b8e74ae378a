import {
  QueryFailedError,
  type DataSource,
  type EntityManager,
  type EntityTarget,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';

export type DbKind = 'sqlite' | 'postgres';

/** Which engine a DATABASE_URL names. */
export function dbKindOf(url: string): DbKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/**
 * A raw statement's parameters, bound as the engine wants them: `?` for better-sqlite3, `$n` for
 * PostgreSQL. Identifiers stay double-quoted in the SQL text: both engines accept that, and
 * PostgreSQL needs it for the camelCase column names TypeORM creates.
 */
export class Sql {
  readonly params: unknown[] = [];
  constructor(private readonly postgres: boolean) {}

  /** A placeholder bound to `v`. */
  p(v: unknown): string {
    this.params.push(v);
    return this.postgres ? `$${this.params.length}` : '?';
  }

  /** Placeholders bound to each of `vs`, comma-separated (the inside of an IN list). */
  list(vs: readonly unknown[]): string {
    return vs.map((v) => this.p(v)).join(', ');
  }
}

/** One raw write statement and its values, its placeholders made by its own `Sql` builder. */
export interface Write {
  text: string;
  params: unknown[];
}

/** Isolation a transaction needs beyond the default (READ COMMITTED on PostgreSQL). */
export interface TxOptions {
  /** Several statements must see one snapshot (reports): REPEATABLE READ on PostgreSQL. */
  snapshot?: boolean;
}

/**
 * Every difference between SQLite (better-sqlite3) and PostgreSQL the service relies on. Nothing
 * outside this module asks which engine it runs on.
 */
export interface Dialect {
  readonly kind: DbKind;
  /** A builder for one raw statement. */
  sql(): Sql;
  /** Runs `work` in one transaction (see the SQLite note in makeDialect). */
  transaction<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>, opts?: TxOptions): Promise<T>;
  /**
   * Runs autocommitted statements outside every transaction (no BEGIN/COMMIT): on SQLite after the
   * open transaction ends, so they never join it. Never call it from inside a transaction.
   */
  alone<T>(ds: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T>;
  /** Locks one row of a table until the transaction ends. */
  lockRow(em: EntityManager, table: string, id: number): Promise<void>;
  /** Makes a SELECT through `em` lock the rows it reads, when `em` is inside a transaction. */
  forUpdate<T extends ObjectLiteral>(em: EntityManager, qb: SelectQueryBuilder<T>): SelectQueryBuilder<T>;
  /** The same for a raw SELECT: the clause to append (empty where rows are not locked). */
  lockClause(em: EntityManager): string;
  /** Serialises every transaction that takes the same key (until it ends). */
  advisoryLock(em: EntityManager, key: number): Promise<void>;
  /** INSERT … that does nothing when a unique key already exists (first writer wins). */
  insertIgnore<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, values: Partial<T> | Array<Partial<T>>): Promise<void>;
  /** After rows were inserted with explicit ids: moves the id sequence past them. */
  resetSequence(em: EntityManager, table: string, idColumn: string): Promise<void>;
  /**
   * Runs writes in order that neither read nor change one another's rows (a range move's pieces and
   * its journal row; a document's new status and its transition). On PostgreSQL they go as one
   * statement, each but the last a data-modifying WITH: one round trip instead of several, and
   * PostgreSQL runs every WITH part to completion on one snapshot, which is why they must be independent.
   */
  writeAll(em: EntityManager, writes: ReadonlyArray<Write | null>): Promise<void>;
  /**
   * `writeAll` without waiting: the writes are put on the open transaction's connection before this
   * returns, so every statement sent after them runs after them, and the promise is their answer.
   * PostgreSQL only (its pipelined connection, pg-prepared.ts); null on SQLite or outside a
   * transaction, where the caller runs `writeAll` instead. The caller must await the answer before
   * the transaction commits (store.ts): a write that fails there fails the commit, not the call.
   */
  send(em: EntityManager, writes: ReadonlyArray<Write | null>): Promise<void> | null;
  /**
   * The rows of a SELECT (or a write's RETURNING). In a transaction on PostgreSQL the statement is
   * put on the connection before this returns, so statements run in the order they were called
   * even when the caller starts several and awaits them later (one round trip for all of them).
   */
  select(em: EntityManager, text: string, params: unknown[]): Promise<Array<Record<string, unknown>>>;
  /**
   * The statement to send for `main` with independent `parts` ahead of it: on PostgreSQL one
   * statement (the parts as data-modifying WITH parts, `main`'s RETURNING still its result); on
   * SQLite the parts are run first and `main` comes back as it was.
   */
  carry(em: EntityManager, parts: readonly Write[], main: Write): Promise<Write>;
  /** Runs a raw INSERT/UPDATE/DELETE and returns how many rows it changed. */
  execute(em: EntityManager, sql: string, params: unknown[]): Promise<number>;
  /** Bytes the database takes on disk, where the engine can tell (the SQLite file is measured by the caller). */
  databaseBytes(ds: DataSource): Promise<number | null>;
  /**
   * SQL for the 1-based position of `needle` in `haystack` (0 when absent): both SQL fragments,
   * e.g. a column and a named parameter. Unlike LIKE it has no wildcards and is case-sensitive on both engines.
   */
  position(haystack: string, needle: string): string;
  /** Whether a failed statement broke a unique index (or primary key). */
  isUniqueViolation(err: unknown): boolean;
}

// better-sqlite3 gives TypeORM a single connection, so two overlapping transactions would collide
// (TransactionAlreadyStartedError). Serialising them per DataSource keeps SQLite correct; on
// PostgreSQL each transaction gets its own pooled connection and row locks do the ordering.
const sqliteQueues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * A statement's structured result, the same shape on both drivers: the rows it returned (a SELECT's,
 * or an UPDATE … RETURNING's, which plain `em.query` hands back differently per driver) and the
 * rows it changed.
 */
export async function structured(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<{ records: Array<Record<string, unknown>>; affected: number }> {
  const qr = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const r = await qr.query(sql, params, true);
    return { records: (r.records ?? []) as Array<Record<string, unknown>>, affected: r.affected ?? 0 };
  } finally {
    if (!em.queryRunner) await qr.release();
  }
}

/** Rows a write statement changed. */
const affected = async (em: EntityManager, sql: string, params: unknown[]): Promise<number> => (await structured(em, sql, params)).affected;

/** The driver's error code: TypeORM's QueryFailedError keeps the driver's error as `driverError`. */
function driverCode(err: unknown): unknown {
  const e = err as { driverError?: { code?: unknown }; code?: unknown } | null;
  return e?.driverError?.code ?? e?.code;
}

/** Runs `run` after every transaction queued before it on this SQLite DataSource. */
function queued<T>(ds: DataSource, run: () => Promise<T>): Promise<T> {
  const prev = sqliteQueues.get(ds) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(run);
  sqliteQueues.set(
    ds,
    next.catch(() => undefined),
  );
  return next;
}

const sqlite: Dialect = {
  kind: 'sqlite',
  sql: () => new Sql(false),
  // One writer at a time already gives SQLite serialisable transactions: no isolation to choose.
  transaction: (ds, work) => queued(ds, () => ds.transaction(work)),
  // A bare statement on the one shared connection would become part of whatever transaction is open.
  alone: (ds, work) => queued(ds, () => work(ds.manager)),
  lockRow: async () => undefined,
  forUpdate: (_em, qb) => qb,
  lockClause: () => '',
  advisoryLock: async () => undefined,
  async insertIgnore(em, target, values) {
    await em.createQueryBuilder().insert().into(target).values(values).orIgnore().execute();
  },
  resetSequence: async () => undefined,
  async writeAll(em, writes) {
    for (const w of writes) if (w) await em.query(w.text, w.params);
  },
  // better-sqlite3 answers each statement before the next can start: nothing to overlap.
  send: () => null,
  select: (em, text, params) => em.query(text, params),
  async carry(em, parts, main) {
    for (const w of parts) await em.query(w.text, w.params);
    return main;
  },
  execute: (em, sql, params) => affected(em, sql, params),
  databaseBytes: async () => null,
  position: (haystack, needle) => `instr(${haystack}, ${needle})`,
  isUniqueViolation: (err) => driverCode(err) === 'SQLITE_CONSTRAINT_UNIQUE' || driverCode(err) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
};

/** `main` with independent `parts` ahead of it, as one PostgreSQL statement (see Dialect.carry). */
function withParts(parts: readonly Write[], main: Write): Write {
  if (parts.length === 0) return main;
  // Each write's $n are its own: shift them past the parameters of the writes before it.
  const params: unknown[] = [];
  const [text, ...withs] = [main, ...parts].map((w, i) => {
    const offset = params.length;
    params.push(...w.params);
    return i === 0 ? w.text : w.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
  });
  return { text: `WITH ${withs.map((t, i) => `w${i} AS (${t})`).join(', ')} ${text}`, params };
}

/** Independent writes as one PostgreSQL statement (null for none). */
function together(writes: ReadonlyArray<Write | null>): Write | null {
  const ws = writes.filter((w): w is Write => w !== null);
  const main = ws.pop();
  return main ? withParts(ws, main) : null;
}

/** What `send` and `select` use of a pg client. */
interface PgClient {
  query(text: string, params: unknown[]): Promise<unknown>;
}

/** The pg client of the transaction `em` runs in, or null outside one. */
function transactionClient(em: EntityManager): PgClient | null {
  const qr = em.queryRunner;
  if (!qr?.isTransactionActive) return null;
  // TypeORM keeps the runner's connection in a protected field; a transaction's runner has one.
  return (qr as unknown as { databaseConnection?: PgClient }).databaseConnection ?? null;
}

const postgres: Dialect = {
  kind: 'postgres',
  sql: () => new Sql(true),
  transaction: (ds, work, opts = {}) => (opts.snapshot ? ds.transaction('REPEATABLE READ', work) : ds.transaction(work)),
  // Each statement takes a pooled connection of its own: it cannot land in another caller's transaction.
  alone: (ds, work) => work(ds.manager),
  async lockRow(em, table, id) {
    await em.query(`SELECT 1 FROM "${table}" WHERE id = $1 FOR UPDATE`, [id]);
  },
  // FOR UPDATE outside a transaction is an error on PostgreSQL; a lone read needs no lock.
  forUpdate: (em, qb) => (em.queryRunner?.isTransactionActive ? qb.setLock('pessimistic_write') : qb),
  lockClause: (em) => (em.queryRunner?.isTransactionActive ? ' FOR UPDATE' : ''),
  async advisoryLock(em, key) {
    await em.query('SELECT pg_advisory_xact_lock($1)', [key]);
  },
  async insertIgnore(em, target, values) {
    await em.createQueryBuilder().insert().into(target).values(values).orIgnore().execute();
  },
  async resetSequence(em, table, idColumn) {
    await em.query(
      `SELECT setval(pg_get_serial_sequence('"${table}"', '${idColumn}'), COALESCE(MAX("${idColumn}"), 1), MAX("${idColumn}") IS NOT NULL) FROM "${table}"`,
    );
  },
  async writeAll(em, writes) {
    const w = together(writes);
    if (w) await em.query(w.text, w.params);
  },
  send(em, writes) {
    const client = transactionClient(em);
    if (!client) return null;
    const w = together(writes);
    if (!w) return Promise.resolve();
    // Straight to the pg client, not through TypeORM's query (which reaches it only after awaits):
    // queued now, it is ahead of every statement the caller sends next.
    return client.query(w.text, w.params).then(
      () => undefined,
      (err: Error) => {
        throw new QueryFailedError(w.text, w.params, err);
      },
    );
  },
  select(em, text, params) {
    const client = transactionClient(em);
    if (!client) return em.query(text, params);
    return client.query(text, params).then(
      (r) => (r as { rows: Array<Record<string, unknown>> }).rows,
      (err: Error) => {
        throw new QueryFailedError(text, params, err);
      },
    );
  },
  carry: async (_em, parts, main) => withParts(parts, main),
  execute: (em, sql, params) => affected(em, sql, params),
  async databaseBytes(ds) {
    const [row] = await ds.query<Array<{ n: string | number }>>('SELECT pg_database_size(current_database()) AS "n"');
    return Number(row.n);
  },
  position: (haystack, needle) => `strpos(${haystack}, ${needle})`,
  // 23505 unique_violation (SQLSTATE).
  isUniqueViolation: (err) => driverCode(err) === '23505',
};

/** The dialect of a connected DataSource. */
export function dialectOf(ds: DataSource): Dialect {
  return ds.options.type === 'postgres' ? postgres : sqlite;
}
