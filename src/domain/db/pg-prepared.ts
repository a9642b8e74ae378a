import pg from 'pg';

/** Distinct statement texts sent as named statements, process-wide; past it, texts go unnamed. */
const MAX_NAMED = 400;
/** Texts seen once, waiting for a second sighting; cleared when full. */
const MAX_SEEN = 5_000;

const names = new Map<string, string>();
const seenOnce = new Set<string>();

/**
 * The prepared-statement name for a parameterised statement's text, or null to send it unnamed.
 * A text is named from its second sighting, so one-off statements (a report's filters, a long IN
 * list) do not take a slot; the cap bounds what each connection keeps prepared on the server.
 */
export function statementName(text: string): string | null {
  const known = names.get(text);
  if (known) return known;
  if (names.size >= MAX_NAMED) return null;
  if (!seenOnce.has(text)) {
    if (seenOnce.size >= MAX_SEEN) seenOnce.clear();
    seenOnce.add(text);
    return null;
  }
  seenOnce.delete(text);
  const name = `s${names.size + 1}`;
  names.set(text, name);
  return name;
}

type QueryFn = (this: pg.Client, config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * A pg client that sends the statements the service repeats as named prepared statements: each
 * connection parses such a statement once, then binds and executes it. Unnamed, PostgreSQL parses
 * every statement again (~25 % of a short statement's round trip on this machine, 2,000-statement
 * loops). pg keeps the per-connection record of what is prepared (a failed parse is not recorded).
 *
 * Plans: PostgreSQL plans a prepared statement's first five executions with their values, then keeps
 * one generic plan when it costs no more than those did (plan_cache_mode = auto), and replaces it
 * when the statement's tables are analysed. A generic plan made while the tables were empty is a
 * sequential scan, and with autovacuum off or behind nothing replaces it: the 5,000-unit build's
 * document and bill-type locks once took 2.8 ms each at 114,000 documents. So each connection
 * drops its plans (`DISCARD PLANS`, sent ahead of a statement in the same write) once they are
 * `replanEveryMs` old, 10 s unless configured, and the tables' sizes of that moment are planned
 * for again. Planning every execution instead (force_custom_plan) cost a 200-unit build 30 % more
 * machine CPU (bench/README.md). Only text-plus-values calls are named: TypeORM's and the
 * repositories' statements arrive that way; statements without parameters (BEGIN, COMMIT, SET)
 * keep the simple protocol.
 *
 * The client runs in pg's pipeline mode: a statement is written to the socket when it is queued,
 * not when the one before it has been answered (each still ends with its own Sync, so a failure
 * stays with its statement). Code that awaits each statement sees no difference; a transaction's
 * writes that nothing waits for (`Dialect.send`) overlap with the work after them.
 */
export class PreparingClient extends pg.Client {
  /** When this connection's plans were last dropped (its first statement, at first). */
  plannedSince: number | undefined;
  /** Each named statement's row template and column parsers (see namedQuery). */
  readonly shapes = new Map<string, RowShape>();
  readonly replanEveryMs: number;

  constructor(config?: string | (pg.ClientConfig & { replanEveryMs?: number })) {
    const settings = typeof config === 'string' ? { connectionString: config } : config;
    super({ ...settings, pipeline: true });
    this.replanEveryMs = (typeof config === 'object' && config.replanEveryMs) || DEFAULT_REPLAN_MS;
  }
}

const DEFAULT_REPLAN_MS = 10_000;

/**
 * Queues `DISCARD PLANS` ahead of the statement being sent when the connection's plans are due.
 * Nothing waits for it: it leaves in the statement's write, and a failure (inside a transaction that
 * already failed) leaves the plans for the next statement after the interval; the statement behind
 * it reports that transaction's own error.
 */
function replanIfDue(client: PreparingClient): void {
  const now = Date.now();
  if (client.plannedSince === undefined) client.plannedSince = now;
  if (now - client.plannedSince < client.replanEveryMs) return;
  client.plannedSince = now;
  const discarded = pg.Client.prototype.query.apply(client, ['DISCARD PLANS'] as never) as unknown as Promise<unknown>;
  discarded.catch(() => undefined);
}

interface Corkable {
  cork(): void;
  uncork(): void;
}
/** The streams corked until the current run of JavaScript (promise continuations included) ends. */
const corked = new WeakSet<Corkable>();

/**
 * Holds the connection's writes until the code that queued this statement has run to completion,
 * so that statements queued together leave in one write. pg writes each statement on its own
 * (cork/uncork around its messages), and on this machine a loopback write that wakes the database
 * costs ~70 µs: a third of the build's Node time went to writev before this. A tick scheduled from
 * a promise continuation runs once the microtask queue is empty, so statements that reach the
 * client after TypeORM's awaits still join the same write.
 */
function corkUntilTick(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: Partial<Corkable> } }).connection?.stream;
  if (!stream?.cork || !stream.uncork || !(client as unknown as { _connected?: boolean })._connected) return;
  const s = stream as Corkable;
  if (corked.has(s)) return;
  corked.add(s);
  s.cork();
  process.nextTick(() => {
    corked.delete(s);
    s.uncork();
  });
}

/** What pg's Result builds from a statement's row description (pg/lib/result.js, addFields). */
interface RowShape {
  fields: ReadonlyArray<{ name: string; dataTypeID: number; format: string }>;
  parsers: unknown;
  template: unknown;
}
/** The internals of pg's Result that addFields fills. */
interface PgResult {
  fields: RowShape['fields'];
  _parsers: unknown;
  _prebuiltEmptyResultObject: unknown;
  addFields(fields: RowShape['fields']): void;
}

const sameFields = (a: RowShape['fields'], b: RowShape['fields']): boolean =>
  a.length === b.length && a.every((f, i) => f.name === b[i].name && f.dataTypeID === b[i].dataTypeID && f.format === b[i].format);

/**
 * A named statement's execution. Two costs of pg's own query path go: it copies a config object
 * through its property descriptors (cloneQueryConfig; the text is passed as a string instead), and
 * every result rebuilds its row template and column parsers from the row description (addFields),
 * which is the same for every execution of a prepared statement. The connection keeps them by
 * statement name and reuses them while the description matches (a changed table gets new ones).
 * Together these were about a tenth of the build's Node time (bench:ledger --profile, 2026-12-06).
 */
function namedQuery(client: PreparingClient, name: string, text: string, values: unknown[]): Promise<unknown> {
  const query = new pg.Query(text, values) as pg.Query & { name?: string; callback?: (err: Error | null, res: unknown) => void };
  query.name = name;
  const result = (query as unknown as { _result: PgResult })._result;
  // pg's own, for a statement whose shape is new or changed.
  const build = result.addFields.bind(result);
  result.addFields = (fields) => {
    const shape = client.shapes.get(name);
    if (shape && sameFields(shape.fields, fields)) {
      result.fields = fields;
      result._parsers = shape.parsers;
      result._prebuiltEmptyResultObject = shape.template;
      return;
    }
    build(fields);
    client.shapes.set(name, { fields, parsers: result._parsers, template: result._prebuiltEmptyResultObject });
  };
  const answered = new Promise((resolve, reject) => {
    query.callback = (err, res) => (err ? reject(err) : resolve(res));
  });
  pg.Client.prototype.query.apply(client, [query] as never);
  // As pg does for its own promise: the stack of a failure leads back to the caller, not to the socket.
  return answered.catch((err: Error) => {
    Error.captureStackTrace(err);
    throw err;
  });
}

const preparingQuery: QueryFn = function (config, values, callback) {
  corkUntilTick(this);
  replanIfDue(this as PreparingClient);
  if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
    const name = statementName(config);
    if (name) return namedQuery(this as PreparingClient, name, config, values);
  }
  return pg.Client.prototype.query.apply(this, [config, values, callback] as never);
};
// On the prototype (not each instance): one function for every pooled client.
(PreparingClient.prototype as unknown as { query: QueryFn }).query = preparingQuery;
