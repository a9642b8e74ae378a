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

type QueryFn = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/**
 * A pg client that sends the statements the service repeats as named prepared statements: each
 * connection parses and plans such a statement once, then only binds and executes it. Unnamed,
 * PostgreSQL parses and plans every statement again; on this machine that was ~25 % of a short
 * statement's round trip (148 → 110 µs, 2,000-statement loops) and most of the PostgreSQL backend's
 * CPU during a ledger build. pg keeps the per-connection record of what is prepared (a failed
 * parse is not recorded), and PostgreSQL re-plans a prepared statement after DDL touches its tables.
 * Only text-plus-values calls are named: TypeORM's and the repositories' statements arrive that
 * way; statements without parameters (BEGIN, COMMIT, SET) keep the simple protocol.
 */
export class PreparingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const base = (this.query as QueryFn).bind(this);
    const query: QueryFn = (config, values, callback) => {
      if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
        const name = statementName(config);
        if (name) return base({ name, text: config, values });
      }
      return base(config, values, callback);
    };
    this.query = query as never;
  }
}
