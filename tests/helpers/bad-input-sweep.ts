import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { onPostgres } from './test-db';

/**
 * The bad-input sweep's machinery (issue 9, item 2): read the OpenAPI document, derive a valid
 * body per operation from its schema, derive a battery of bad requests from that body, send them,
 * and check that nothing answers 5xx and that no refused request changed any table.
 */

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

export interface Param {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path, e.g. /api/v1/applications/{id}/approve. */
  path: string;
  key: string;
  permission?: string;
  /** Which credential the operation takes (bearerAuth = a user token, alertsToken = ALERTS_TOKEN, none). */
  security: 'bearer' | 'alertsToken' | 'none';
  body?: JsonSchema;
  params: Param[];
  query: Param[];
}

interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
}
interface OpenApiOperation {
  'x-permission'?: string;
  security?: Array<Record<string, unknown>>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
}

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(methods)) {
      const method = m.toUpperCase() as Operation['method'];
      const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));
      const params = (op.parameters ?? []).map((p) => ({ name: p.name, schema: p.schema, required: p.required ?? false, in: p.in }));
      ops.push({
        method,
        path,
        key: `${method} ${path}`,
        permission: op['x-permission'],
        security: schemes.includes('alertsToken') ? 'alertsToken' : schemes.includes('bearerAuth') ? 'bearer' : 'none',
        body: op.requestBody?.content['application/json']?.schema,
        params: params.filter((p) => p.in === 'path'),
        query: params.filter((p) => p.in === 'query'),
      });
    }
  }
  return ops;
}

// ───────────────────────────── values ─────────────────────────────

/** JSON text written verbatim into a body: numbers JSON.stringify cannot produce (2^53+1, 1e309, -0). */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes Raw values verbatim. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const typeOf = (s: JsonSchema): string => {
  if (s.type) return s.type === 'integer' ? 'number' : s.type;
  if (s.properties || s.additionalProperties) return 'object';
  if (s.items) return 'array';
  return 'unknown';
};

const DATE_NAME = /(^date$|Date$|At$|^from$|^to$|periodEnd)/;
export const isDateLike = (name: string, s: JsonSchema): boolean =>
  typeOf(s) === 'string' && (DATE_NAME.test(name) || s.pattern === '^\\d{4}-\\d{2}-\\d{2}$');

/** Free text: a string a person types (no enum, pattern, format or date). SQL and formula text in it are legitimate. */
export const isFreeText = (name: string, s: JsonSchema): boolean =>
  typeOf(s) === 'string' && !s.enum && !s.pattern && !s.format && !isDateLike(name, s);

/** Supplies seed-aware values (existing unit code, a fresh code …) by property name; undefined = derive from the schema. */
export type ValueHint = (name: string, schema: JsonSchema, path: string[]) => unknown;

const PATTERN_CANDIDATES = [
  'sweep',
  'sweep.test',
  'SW1',
  'disk',
  '127.0.0.1:9',
  '0591-12345678',
  '91350100M000100Y43',
  '20260001',
  '2026-03-02',
  '1',
];

/** A value the schema accepts (as far as its shape goes; the hints give the values the seed makes real). */
export function example(s: JsonSchema, hint: ValueHint, name = '', path: string[] = []): unknown {
  const hinted = hint(name, s, path);
  if (hinted !== undefined) return hinted;
  if (s.oneOf?.length) return example(s.oneOf[0], hint, name, path);
  if (s.anyOf?.length) return example(s.anyOf[0], hint, name, path);
  if (s.enum?.length) return s.enum[0];
  switch (typeOf(s)) {
    case 'string': {
      if (s.format === 'uri') return 'http://127.0.0.1:9/sweep';
      if (isDateLike(name, s)) return '2026-03-02';
      if (s.pattern) {
        const re = new RegExp(s.pattern);
        const fit = PATTERN_CANDIDATES.find((c) => re.test(c));
        if (fit) return fit;
        throw new Error(`no example for pattern ${s.pattern} (${path.join('.')}): add a hint`);
      }
      const min = s.minLength ?? 0;
      return min > 5 ? 'x'.repeat(min) : '巡检测试';
    }
    case 'number': {
      let v = s.minimum ?? 1;
      if (s.exclusiveMinimum === true) v += 1;
      if (typeof s.exclusiveMinimum === 'number') v = s.exclusiveMinimum + 1;
      if (s.maximum !== undefined) v = Math.min(v, s.maximum);
      return Math.max(v, Math.min(1, s.maximum ?? 1));
    }
    case 'boolean':
      return false;
    case 'array': {
      const n = Math.max(1, s.minItems ?? 0);
      return Array.from({ length: n }, (_, i) => {
        const v = example(s.items ?? {}, hint, name, [...path, String(i)]);
        return typeof v === 'string' && n > 1 && isFreeText(name, s.items ?? {}) ? `${v}${i}` : v;
      });
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, ps] of Object.entries(s.properties ?? {})) out[k] = example(ps, hint, k, [...path, k]);
      return out;
    }
    default:
      return 'sweep';
  }
}

/** Each property of a schema with its path; array items are reached at index 0, map values at key "x". */
export function propertiesOf(s: JsonSchema, path: string[] = []): Array<{ path: string[]; name: string; schema: JsonSchema }> {
  const out: Array<{ path: string[]; name: string; schema: JsonSchema }> = [];
  const variant = s.oneOf?.[0] ?? s.anyOf?.[0] ?? s;
  if (typeOf(variant) === 'object') {
    for (const [k, ps] of Object.entries(variant.properties ?? {})) {
      out.push({ path: [...path, k], name: k, schema: ps });
      out.push(...propertiesOf(ps, [...path, k]));
    }
    if (typeof variant.additionalProperties === 'object') {
      out.push({ path: [...path, 'x'], name: 'x', schema: variant.additionalProperties });
    }
  } else if (typeOf(variant) === 'array' && variant.items && typeOf(variant.items) === 'object') {
    out.push(...propertiesOf(variant.items, [...path, '0']));
  }
  return out;
}

/** A deep copy of `base` with `value` at `path` (containers made on the way). */
export function setAt(base: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(base)) {
    const copy: unknown[] = [...base];
    copy[Number(head)] = setAt(copy[Number(head)], rest, value);
    return copy;
  }
  const obj = base !== null && typeof base === 'object' ? { ...(base as Record<string, unknown>) } : {};
  obj[head] = setAt(obj[head], rest, value);
  return obj;
}

const SAMPLE: Record<string, unknown> = { string: 'sweep', number: 7, boolean: true, array: [], object: {}, null: null };

/** Values of every JSON type but the property's own (a numeric string for numbers and booleans: no coercion). */
export function wrongTypes(s: JsonSchema): unknown[] {
  const own = typeOf(s);
  return Object.entries(SAMPLE)
    .filter(([t]) => t !== own && !(t === 'null' && s.nullable))
    .map(([t, v]) => (t === 'string' && (own === 'number' || own === 'boolean') ? '1' : v));
}

export const CONTROLS = ['\u0000', 'a\u0001b', '\u001b[31m红', 'x\u007f', 'x\u0085', 'x\u0008', '\u000b\u000c'];
export const LONE_SURROGATES = ['\ud800', 'a\udfffb', '\ud83d'];
export const LEGIT_TEXT = {
  emoji: '票据😀👍🏽🧾‍🔥',
  sql: "x'; DROP TABLE users; --",
  formula: "=cmd|' /C calc'!A0",
  formula2: '@SUM(1+1)*cmd|"/C calc"!A0',
  quotes: '"\'`\\ <script>alert(1)</script> %s %00',
} as const;
export const BAD_DATES = ['9999-99-99', '2026-02-30', '0000-00-00', '2026-13-45T25:61:61Z', '+275760-09-13', '2026-02-29'];
/** Numbers JSON can carry that no field of ours should take (raw text where JSON.stringify would round). */
export const BAD_NUMBERS: unknown[] = [
  new Raw('1e20'),
  -1,
  new Raw('9007199254740993'),
  new Raw('1e309'),
  2147483648,
  'NaN',
  new Raw('-1e309'),
  new Raw(`1${'0'.repeat(400)}`),
  'Infinity',
  1.5,
  new Raw('-0'),
];

/** Whether a number could pass the property's declared bounds (then accepting it is no defect). */
export function numberFits(s: JsonSchema, v: unknown): boolean {
  const n = v instanceof Raw ? Number(v.text) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) return false;
  if (s.type === 'integer' && !Number.isInteger(n)) return false;
  if (s.minimum !== undefined && (s.exclusiveMinimum === true ? n <= s.minimum : n < s.minimum)) return false;
  if (s.maximum !== undefined && n > s.maximum) return false;
  return true;
}

/** Nested 10 000 deep, as text: no stack is spent building it. */
export const DEEP_OBJECT = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
export const DEEP_ARRAY = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
export const MANY_KEYS = `{${Array.from({ length: 50_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;

// ───────────────────────────── fingerprints ─────────────────────────────

export type Fingerprint = Map<string, string>;

/** Every table of the database (migrations included: nothing a request does may touch them either). */
export async function tablesOf(ds: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> = onPostgres
    ? await ds.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)
    : await ds.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`);
  return rows.map((r) => r.name);
}

/**
 * Row count and a digest of every row of every table. On PostgreSQL one statement hashes in the
 * server; SQLite is in memory, so reading the rows is as cheap.
 */
export async function fingerprint(ds: DataSource, tables: string[]): Promise<Fingerprint> {
  const fp: Fingerprint = new Map();
  if (onPostgres) {
    const sql = tables
      .map(
        (t, i) => `SELECT ${i} AS i, COUNT(*)::int AS n, md5(COALESCE(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`,
      )
      .join(' UNION ALL ');
    const rows: Array<{ i: number; n: number; h: string }> = await ds.query(sql);
    for (const r of rows) fp.set(tables[r.i], `${r.n}:${r.h}`);
    return fp;
  }
  for (const t of tables) {
    const rows: unknown[] = await ds.query(`SELECT * FROM "${t}"`);
    const lines = rows.map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v))).sort();
    fp.set(t, `${rows.length}:${createHash('sha1').update(lines.join('\n')).digest('hex')}`);
  }
  return fp;
}

/** Tables whose fingerprint differs, with their row counts before → after. */
export function changedTables(a: Fingerprint, b: Fingerprint): string[] {
  const out: string[] = [];
  for (const [t, v] of b) {
    const w = a.get(t);
    if (w !== v) out.push(`${t} (${w?.split(':')[0] ?? '-'} → ${v.split(':')[0]} rows)`);
  }
  return out;
}

// ───────────────────────────── requests ─────────────────────────────

export interface SweepRequest {
  /** The operation the request belongs to (the histogram counts operations by it). */
  op: string;
  label: string;
  method: string;
  /** Path and query, already encoded. */
  url: string;
  authorization?: string;
  body?: string | Uint8Array;
  /** null = send the body with no Content-Type at all. */
  contentType?: string | null;
  /**
   * refuse: every correct system refuses it (batched; an acceptance is a defect).
   * probe: may be accepted but should not write (batched: GETs).
   * maybe: legitimate content that may be accepted and written (a fingerprint after each).
   */
  kind: 'refuse' | 'probe' | 'maybe';
  /**
   * The error contract to check on a refusal: the API's JSON error body, WeCom's (an empty body;
   * the body parser's own refusals, before the callback route, carry the API's), or none (HTML pages).
   */
  contract?: 'api' | 'wecom' | 'none';
  /** A further check of the answer: a defect's description, or null. */
  inspect?: (res: SweepResult) => string | null;
}

export interface SweepResult {
  status: number;
  text: string;
}

/** Everything the sweep saw: the figures for the closing note and the defects for the assertion. */
export class SweepLog {
  requests = 0;
  readonly operations = new Set<string>();
  readonly histogram = new Map<number, number>();
  readonly defects: string[] = [];
  fingerprints = 0;
  fingerprintMs = 0;

  /** One line for the closing note: requests, operations, time, fingerprints and the status histogram. */
  summary(what: string, ms: number): string {
    const hist = [...this.histogram.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([st, n]) => `${st}×${n}`)
      .join(' ');
    return (
      `${what}: ${this.requests} requests over ${this.operations.size} operations in ${(ms / 1000).toFixed(1)} s; ` +
      `${this.fingerprints} table fingerprints (${(this.fingerprintMs / 1000).toFixed(1)} s); status ${hist}; defects ${this.defects.length}`
    );
  }

  /** Adds another part's figures to this one (the total over the document, the callback and the rest). */
  add(other: SweepLog): void {
    this.requests += other.requests;
    this.fingerprints += other.fingerprints;
    this.fingerprintMs += other.fingerprintMs;
    for (const o of other.operations) this.operations.add(o);
    for (const [st, n] of other.histogram) this.histogram.set(st, (this.histogram.get(st) ?? 0) + n);
    this.defects.push(...other.defects);
  }
}

const describeReq = (r: SweepRequest) => `${r.method} ${r.url.length > 120 ? `${r.url.slice(0, 120)}…` : r.url} [${r.label}]`;

/** The contract's error body: {error: {code, message, reason?, details[]}} and nothing else. */
function errorShapeProblem(text: string): string | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `error body is not JSON: ${text.slice(0, 80)}`;
  }
  const e = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!e || Object.keys(body as object).length !== 1) return `no {error} body: ${text.slice(0, 120)}`;
  const extra = Object.keys(e).filter((k) => !['code', 'message', 'reason', 'details'].includes(k));
  if (typeof e.code !== 'string' || typeof e.message !== 'string' || !e.message || !Array.isArray(e.details) || extra.length) {
    return `error body off contract: ${text.slice(0, 160)}`;
  }
  if (e.reason !== undefined && typeof e.reason !== 'string') return `reason is not a string: ${text.slice(0, 160)}`;
  if (text.length > 16_384) return `error body of ${text.length} characters (details are capped)`;
  return null;
}

/** Sends requests and checks each answer; `batch` runs one operation's battery with table fingerprints around it. */
export function makeSweeper(opts: { baseUrl: string; ds: DataSource; tables: string[]; log: SweepLog; concurrency?: number }) {
  const { baseUrl, ds, tables, log } = opts;
  const concurrency = opts.concurrency ?? 4;
  const fp = async () => {
    log.fingerprints++;
    const t0 = performance.now();
    const f = await fingerprint(ds, tables);
    log.fingerprintMs += performance.now() - t0;
    return f;
  };

  async function send(r: SweepRequest): Promise<SweepResult> {
    const headers: Record<string, string> = {};
    if (r.authorization) headers.authorization = r.authorization;
    let body: Uint8Array | undefined;
    if (r.body !== undefined) {
      // Bytes carry no Content-Type of their own: only the one set here, or none.
      body = typeof r.body === 'string' ? new Uint8Array(Buffer.from(r.body, 'utf8')) : r.body;
      if (r.contentType !== null) headers['content-type'] = r.contentType ?? 'application/json';
    }
    let status: number;
    let text: string;
    try {
      const res = await fetch(baseUrl + r.url, { method: r.method, headers, body });
      status = res.status;
      text = await res.text();
    } catch (err) {
      // The server closed the connection or the URL cannot be sent: as bad as a 5xx.
      status = 599;
      text = String((err as Error).cause ?? err);
    }
    // SWEEP_TRACE=1 prints every request with its answer (for finding what a defect line names).
    if (process.env.SWEEP_TRACE) console.log(`${status} ${describeReq(r)} ${text.slice(0, 160)}`);
    log.requests++;
    log.operations.add(r.op);
    log.histogram.set(status, (log.histogram.get(status) ?? 0) + 1);
    if (status >= 500) log.defects.push(`${status} on ${describeReq(r)}: ${text.slice(0, 300)}`);
    else if (status >= 400 && (r.contract ?? 'api') === 'api') {
      const problem = errorShapeProblem(text);
      if (problem) log.defects.push(`${status} on ${describeReq(r)}: ${problem}`);
    } else if (status >= 400 && r.contract === 'wecom' && text !== '' && errorShapeProblem(text)) {
      log.defects.push(`${status} on ${describeReq(r)}: WeCom refusals carry no body, got ${text.slice(0, 80)}`);
    }
    const found = r.inspect?.({ status, text });
    if (found) log.defects.push(`${status} on ${describeReq(r)}: ${found}`);
    // What every correct system refuses (a NUL, a wrong type, a body that is not JSON …) was taken.
    if (status < 400 && r.kind === 'refuse') log.defects.push(`${status} on ${describeReq(r)}: accepted, but it must be refused`);
    return { status, text };
  }

  /** One refusal checked on its own: fingerprint before and after. */
  async function single(r: SweepRequest, before?: Fingerprint): Promise<Fingerprint> {
    const b = before ?? (await fp());
    const res = await send(r);
    const a = await fp();
    const changed = changedTables(b, a);
    if (res.status >= 400 && changed.length) log.defects.push(`${res.status} on ${describeReq(r)} changed ${changed.join(', ')}`);
    return a;
  }

  /**
   * The "refuse" requests in one run between two fingerprints; if the tables changed, each refusal
   * is sent again on its own to name the culprit. Then each "maybe" request with a fingerprint after it.
   */
  async function batch(requests: SweepRequest[]): Promise<void> {
    const refuse = requests.filter((r) => r.kind !== 'maybe');
    const maybe = requests.filter((r) => r.kind === 'maybe');
    let before = await fp();
    if (refuse.length) {
      // Refusals do not depend on each other: a few in flight keep both cores busy while the database answers.
      const results: Array<[SweepRequest, SweepResult]> = [];
      let next = 0;
      const worker = async () => {
        while (next < refuse.length) {
          const r = refuse[next++];
          results.push([r, await send(r)]);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      let after = await fp();
      const changed = changedTables(before, after);
      if (changed.length) {
        const refused = results.filter(([, res]) => res.status >= 400);
        if (refused.length === results.length) {
          log.defects.push(`${refuse[0].op}: ${refuse.length} refusals in a row changed ${changed.join(', ')}`);
        }
        const n = log.defects.length;
        for (const [r] of refused) after = await single(r, after);
        if (refused.length === results.length && log.defects.length === n) {
          log.defects.push(`${refuse[0].op}: the change above was not reproduced by any single refusal`);
        }
      }
      before = after;
    }
    for (const r of maybe) before = await single(r, before);
  }

  return { send, single, batch, fp };
}
