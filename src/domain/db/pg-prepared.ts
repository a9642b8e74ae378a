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
 * The connections run with plan_cache_mode = force_custom_plan (data-source.ts): every execution is
 * still planned with its own values and the table sizes of the moment. Left to itself, PostgreSQL
 * switches a prepared statement to a generic plan after five executions and keeps it until the
 * table is analysed; on a fresh database that plan was made while the tables were empty, and with
 * autovacuum off (as on this machine) it was never replaced: the 5,000-unit build's document and
 * bill-type locks became sequential scans, 2.8 ms each at 114,000 documents. Only text-plus-values
 * calls are named: TypeORM's and the repositories' statements arrive that way; statements without
 * parameters (BEGIN, COMMIT, SET) keep the simple protocol.
 *
 * The client runs in pg's pipeline mode: a statement is written to the socket when it is queued,
 * not when the one before it has been answered (each still ends with its own Sync, so a failure
 * stays with its statement). Code that awaits each statement sees no difference; a transaction's
 * writes that nothing waits for (`Dialect.send`) overlap with the work after them.
 */
export class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super({ ...(typeof config === 'string' ? { connectionString: config } : config), pipeline: true });
  }
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

const preparingQuery: QueryFn = function (config, values, callback) {
  corkUntilTick(this);
  if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
    const name = statementName(config);
    if (name) return pg.Client.prototype.query.apply(this, [{ name, text: config, values }] as never);
  }
  return pg.Client.prototype.query.apply(this, [config, values, callback] as never);
};
// On the prototype (not each instance): one function for every pooled client.
(PreparingClient.prototype as unknown as { query: QueryFn }).query = preparingQuery;
