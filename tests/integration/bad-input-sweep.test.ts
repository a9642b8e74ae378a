import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import {
  BAD_DATES,
  BAD_NUMBERS,
  CONTROLS,
  DEEP_ARRAY,
  DEEP_OBJECT,
  LEGIT_TEXT,
  LONE_SURROGATES,
  MANY_KEYS,
  Raw,
  SweepLog,
  example,
  isDateLike,
  isFreeText,
  makeSweeper,
  numberFits,
  operationsOf,
  propertiesOf,
  setAt,
  tablesOf,
  toJson,
  wrongTypes,
  type JsonSchema,
  type Operation,
  type SweepRequest,
  type ValueHint,
} from '../helpers/bad-input-sweep';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { onPostgres } from '../helpers/test-db';

/**
 * Issue 9, item 2: every POST/PUT/PATCH/DELETE of the generated OpenAPI document gets a battery of
 * bad bodies and bad path parameters, every GET bad query and path parameters, the WeCom callback
 * bad XML — on the real system over a seeded database. No answer may be a 5xx, every refusal
 * carries the error contract, and no refused request may change any table.
 */

const ALERTS_TOKEN = 'sweep-alerts-token-0123456789abcdef';
const WECOM = { token: 'sweepToken', encodingAESKey: 'Edac9PjCWW92zBOehjFDIGE6I5qOG4Vc6EwIIgVa8L0', corpId: 'wwsweep0001' };
const BATCH = '20260001';
const MISSING_ID = '999999';

/**
 * Path values the battery sends in place of a real one (already URL-encoded): the core set for every
 * parameter, the others a few at a time in turn (the combinations would take minutes otherwise).
 */
const CORE_PATH_VALUES = ['abc', '0', '-1', '9007199254740993', '2147483648', '%201', '%00', '%ZZ', 'x'.repeat(3000)];
const MORE_PATH_VALUES = [
  '1e3',
  '1.5',
  '0x10',
  'a%00b',
  '%E0%A4%A',
  '%ED%A0%80',
  '%F0%9F%98%80',
  "'%20OR%201%3D1--",
  '%3Dcmd%7C%27%20%2FC%20calc%27!A0',
  '..%2F..%2Fpackage.json',
];
/** Query values for every parameter (URL-encoded); REPEAT sends the parameter twice. */
const REPEAT = Symbol('repeat');
const BROKEN_JSON = ['{"a":1', "{'a':1}", '{"a":1}}', '[1,]', '{"a":NaN}', '{"a":1e309e}', 'nul\u0000l', '{"a":1,}', '{"a":"\\x41"}'];
const CORE_QUERY_VALUES: Array<string | typeof REPEAT> = [
  '%00',
  'abc',
  '-1',
  '99999999999999999999',
  '2147483648',
  '9999-99-99',
  '2026-02-30',
  REPEAT,
  'x'.repeat(5000),
];
const MORE_QUERY_VALUES = [
  'a%00b',
  '0',
  '9007199254740993',
  '1e309',
  'NaN',
  encodeURIComponent(LEGIT_TEXT.sql),
  encodeURIComponent(LEGIT_TEXT.formula),
  encodeURIComponent(LEGIT_TEXT.emoji),
  '%ED%A0%80',
  '%uD800',
  '%ZZ',
  '%1B%5B31m',
  '1.5',
  'true',
  '%5B%5D',
  '2026-03-02T25%3A00%3A00Z',
  '%20',
  '9007199254740991',
];

/**
 * Operations whose accepted requests would be slow or would reach outside (a summary renders a chart
 * and pushes to WeCom, the inspection runs every check and pushes a report, training rebuilds the NLP
 * model for seconds): they get only requests that must be refused before the handler runs.
 */
const REFUSALS_ONLY = new Set([
  'POST /api/v1/summaries/weekly/run',
  'POST /api/v1/summaries/monthly/run',
  'POST /api/v1/inspections/run',
  'POST /api/v1/kb/train',
]);

/**
 * Alertmanager's webhook is read leniently on purpose (alert.schemas.ts: a real alert must not be
 * dropped over a field): a startsAt that is no time is ignored, the alert is still raised.
 */
const LENIENT_DATES = new Set(['POST /api/v1/alerts/alertmanager']);

describe(`bad-input sweep over the OpenAPI document (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let staff: string;
  let ops: Operation[];
  const engine = onPostgres ? 'PostgreSQL' : 'SQLite';
  /** Each part's figures and time, printed together at the end for the closing note. */
  const parts: Array<{ what: string; log: SweepLog; ms: number }> = [];
  /** Runs one part with its own log; its defects fail that part. */
  async function part(what: string, run: (log: SweepLog) => Promise<void>): Promise<SweepLog> {
    const log = new SweepLog();
    const started = Date.now();
    await run(log);
    parts.push({ what, log, ms: Date.now() - started });
    expect(log.defects, log.defects.slice(0, 50).join('\n')).toEqual([]);
    return log;
  }
  /** Existing records by path parameter, per path prefix. */
  const existing: Record<string, string> = {};
  let seq = 0;
  const fresh = (p: string) => `${p}${++seq}`;
  let rotation = 0;
  /** `n` of `values`, a different few on each call: every value is sent, just not for every field. */
  const inTurn = <T>(values: readonly T[], n: number): T[] => Array.from({ length: n }, () => values[rotation++ % values.length]);

  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await t.call(method, `/api/v1${path}`, { token, body });
    if (r.status >= 300) throw new Error(`seed ${method} ${path}: ${r.status} ${r.text}`);
    return r.body;
  };

  beforeAll(async () => {
    // An HTTP-only app process with jobs wired (POST /inspections/run exists), the WeCom callback on
    // and alert intake on: every route the production app can serve.
    t = await startTestApp({
      now: '2026-03-02T02:00:00Z',
      env: {
        ALERTS_TOKEN,
        WECOM_TOKEN: WECOM.token,
        WECOM_AES_KEY: WECOM.encodingAESKey,
        WECOM_CORP_ID: WECOM.corpId,
        WECOM_REPLAY_WINDOW_S: '0',
      },
      // The outbox relay would mark messages queued at its own pace, in the middle of later requests.
      jobs: { runWorkers: false, relay: { intervalMs: 24 * 3_600_000 } },
    });
    const admin = t.adminToken;
    const operator = await t.userToken('operator');
    const engineer = await t.userToken('engineer');
    await ok('POST', '/bill-types', admin, { code: 'C01', name: '非税收入一般缴款书', category: 'nontax' });
    await ok('POST', '/units', admin, { code: 'U1', name: '市第一中学', onboardingStatus: 'online' });
    staff = await t.userToken('unit_staff', { unitCode: 'U1', wecomUserId: 'u1-staff' });
    await ok('POST', '/warehouse/receipts', operator, { billTypeCode: 'C01', batchCode: BATCH, startNo: 1, endNo: 500 });
    // The unit holds 1–100: filed by the unit, approved and issued by the bureau.
    const issued = await ok('POST', '/applications', staff, { unitCode: 'U1', billTypeCode: 'C01', quantity: 100 });
    await ok('POST', `/applications/${issued.id}/approve`, admin, {});
    await ok('POST', `/applications/${issued.id}/issue`, operator);
    const app = await ok('POST', '/applications', staff, { unitCode: 'U1', billTypeCode: 'C01', quantity: 10 });
    const user = await ok('POST', '/users', admin, { username: 'sweeper', name: '巡检用户', role: 'leader', password: 'Passw0rd123' });
    const plan = await ok('POST', '/print-plans', operator, { billTypeCode: 'C01', year: 2026, quantity: 1000 });
    const wo = await ok('POST', '/writeoffs', staff, {
      unitCode: 'U1',
      billTypeCode: 'C01',
      cutoffDate: '2026-03-01',
      used: [{ batchCode: BATCH, startNo: 1, endNo: 5 }],
    });
    const line = (startNo: number, endNo: number) => [{ batchCode: BATCH, startNo, endNo }];
    const ret = await ok('POST', '/returns', staff, { unitCode: 'U1', billTypeCode: 'C01', reason: '多领', lines: line(90, 100) });
    const sv = await ok('POST', '/stock-voids', staff, {
      holder: 'unit',
      unitCode: 'U1',
      billTypeCode: 'C01',
      reason: '损坏',
      lines: line(80, 81),
    });
    // A destruction takes voided stock: void 70–71 first.
    const voided = await ok('POST', '/stock-voids', staff, {
      holder: 'unit',
      unitCode: 'U1',
      billTypeCode: 'C01',
      reason: '污损',
      lines: line(70, 71),
    });
    await ok('POST', `/stock-voids/${voided.id}/approve`, admin, {});
    const de = await ok('POST', '/destructions', staff, {
      holder: 'unit',
      unitCode: 'U1',
      billTypeCode: 'C01',
      reason: '作废票销毁',
      lines: line(70, 71),
    });
    const ticket = await ok('POST', '/tickets', operator, { summary: '开票软件无法登录', unitCode: 'U1' });
    const consult = await ok('POST', '/consultations', operator, { channel: 'phone', question: '如何申领票据？' });
    const onsite = await ok('POST', '/visits/onsite', engineer, {
      unitCode: 'U1',
      dispatchedAt: '2026-03-02T09:00:00+08:00',
      workDone: '重装开票软件',
      result: 'resolved',
    });
    const rv = await ok('POST', '/visits/return', engineer, { unitCode: 'U1', ticketId: ticket.id });
    const sched = await ok('POST', '/inspections/schedules', engineer, {
      name: '日常巡检',
      frequency: 'daily',
      checklist: [{ key: 'disk', label: '磁盘空间' }],
    });
    const insp = await ok('POST', '/inspections', engineer, { scheduleId: sched.id, results: [{ item: 'disk', status: 'ok' }] });
    const treq = await ok('POST', '/trainings/requests', staff, { topic: '电子票据培训' });
    const training = await ok('POST', '/trainings', engineer, {
      date: '2026-03-10',
      topic: '电子票据',
      trainer: '王工',
      unitCodes: ['U1'],
    });
    const ann = await ok('POST', '/announcements', operator, { title: '通知', body: '系统维护' });
    const intents = await ok('GET', '/kb/intents', admin);
    const intent = String(intents.items[0].intent);
    await ok('PUT', `/kb/intents/${intent}/description`, engineer, { description: '巡检说明' });
    const changes = await ok('GET', '/kb/changes', admin);
    Object.assign(existing, {
      '/api/v1/users/': String(user.id),
      '/api/v1/units/': 'U1',
      '/api/v1/applications/': String(app.id),
      '/api/v1/print-plans/': String(plan.id),
      '/api/v1/writeoffs/': String(wo.id),
      '/api/v1/returns/': String(ret.id),
      '/api/v1/stock-voids/': String(sv.id),
      '/api/v1/destructions/': String(de.id),
      '/api/v1/tickets/': String(ticket.id),
      '/api/v1/consultations/': String(consult.id),
      '/api/v1/visits/onsite/': String(onsite.id),
      '/api/v1/visits/return/': String(rv.id),
      '/api/v1/inspections/': String(insp.id),
      '/api/v1/trainings/requests/': String(treq.id),
      '/api/v1/trainings/': String(training.id),
      '/api/v1/announcements/': String(ann.id),
      '/api/v1/kb/intents/': intent,
      '/api/v1/kb/changes/': String(changes.items[0]?.id ?? MISSING_ID),
      '/api/v1/sla/calendar/': '2026',
      '/api/v1/summaries/': MISSING_ID,
      '/api/v1/inspections/schedules/': String(sched.id),
      '/api/v1/settings/region/': 'bureau.phone',
      '/api/v1/units/{code}/numbers/': '1',
    });
    const doc = await t.call('GET', '/api/v1/openapi.json');
    ops = operationsOf(doc.body);
  }, 120_000);
  afterAll(async () => {
    const total = new SweepLog();
    for (const p of parts) total.add(p.log);
    const ms = parts.reduce((n, p) => n + p.ms, 0);
    console.log([...parts.map((p) => p.log.summary(`${engine} · ${p.what}`, p.ms)), total.summary(`${engine} · total`, ms)].join('\n'));
    await t?.close();
  });

  /** The path with each parameter filled: an existing record, a missing one, or a given value. */
  function pathOf(op: Operation, which: 'existing' | 'missing', override?: { name: string; value: string }): string {
    return op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      if (override?.name === name) return override.value;
      const prefix = op.path.slice(0, op.path.indexOf(`{${name}}`));
      if (which === 'missing') return name === 'year' ? '2099' : name === 'code' ? 'NOPE' : name === 'intent' ? 'no.such' : MISSING_ID;
      const v = existing[prefix];
      if (v === undefined) throw new Error(`no seeded record for ${prefix}{${name}}`);
      return v;
    });
  }

  /** Values that make a body valid against the seed (units, bill types, held numbers, fresh codes). */
  const hintFor =
    (op: Operation): ValueHint =>
    (name, s, path) => {
      const last = path[path.length - 1];
      if (name === 'unitCode' || (name === 'unitCodes' && /^\d+$/.test(last ?? ''))) return 'U1';
      if (name === 'billTypeCode') return 'C01';
      if (name === 'batchCode') return BATCH;
      if (name === 'role') return 'leader';
      if (name === 'holder') return 'unit';
      if (name === 'senderId') return 'u1-staff';
      if (name === 'supervisorUsername' || (name === 'username' && op.path.endsWith('/assign'))) return 'admin';
      if (name === 'code' && s.pattern) return fresh('SW');
      if (name === 'username') return fresh('sweep');
      if (name === 'intent' && s.pattern) return op.path.includes('/changes/') ? 'None' : `sweep.${'x'.repeat(++seq % 20 || 1)}`;
      if (name === 'password' || name === 'newPassword') return 'Sw33p-Passw0rd!';
      if (name === 'oldPassword') return 'not-the-password-1';
      if (name === 'startNo') return op.path.includes('print-plans') ? 7001 : 20;
      if (name === 'endNo') return op.path.includes('print-plans') ? 7010 : 21;
      if (name === 'text' && op.path.endsWith('/bot/messages')) return '我们还剩多少票';
      if (name === 'date' && s.type === 'string' && op.path.includes('/sla/calendar')) return '2026-10-08';
      if (s.type === 'string' && /At$/.test(name)) return '2026-03-02T10:00:00+08:00';
      if (name === 'ticketId' || name === 'linkedTicketId') return Number(existing['/api/v1/tickets/']);
      if (name === 'scheduleId') return Number(existing['/api/v1/inspections/schedules/'] ?? 1);
      if (name === 'requestId' || name === 'printOrderId') return undefined;
      if (name === 'createTicket' || name === 'push' || name === 'active') return name === 'active';
      return undefined;
    };

  /** A valid body for the operation (first oneOf variant), optional ids the seed lacks left out. */
  function baseBody(op: Operation): unknown {
    const body = example(op.body!, hintFor(op));
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      for (const k of ['requestId', 'printOrderId', 'linkedTicketId']) delete (body as Record<string, unknown>)[k];
      if (op.path === '/api/v1/users/{id}') return { name: '巡检用户' };
      if (op.path === '/api/v1/kb/intents') (body as Record<string, unknown>).intent = `sweep.${'y'.repeat(++seq % 20 || 1)}`;
    }
    return body;
  }

  const bearer = (op: Operation, token: string) => (op.security === 'alertsToken' ? `Bearer ${ALERTS_TOKEN}` : token);

  /**
   * The body battery of one operation at one path as one caller. `full` covers every property with
   * every wrong type and every kind of bad text; `sample` covers each property once with a NUL and
   * its first wrong type, and the body-level refusals; `minimal` a broken body, a NUL and legitimate text.
   */
  function bodyBattery(
    op: Operation,
    url: string,
    authorization: string | undefined,
    level: 'full' | 'sample' | 'minimal',
  ): SweepRequest[] {
    const full = level === 'full';
    const out: SweepRequest[] = [];
    const req = (label: string, kind: SweepRequest['kind'], body: string | Uint8Array, contentType?: string | null) =>
      out.push({ op: op.key, label, method: op.method, url, authorization, body, contentType, kind });
    const schema: JsonSchema = op.body ?? { type: 'object', properties: {} };
    const base = op.body ? baseBody(op) : {};
    const baseJson = toJson(base);
    const strict = (schema.oneOf?.[0] ?? schema).additionalProperties === false;
    // A body with nothing wrong but its frame: accepted where the schema has no required field.
    const emptyKind: SweepRequest['kind'] = 'maybe';

    // Not JSON at all.
    req('broken JSON {', 'refuse', '{');
    req('invalid UTF-8', 'refuse', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31]));
    if (full) for (const text of inTurn(BROKEN_JSON, 3)) req(`broken JSON ${text}`, 'refuse', text);
    const props = propertiesOf(schema);
    if (level === 'minimal') {
      const first = props.find((p) => p.schema.type === 'string');
      if (first) req(`${first.path.join('.')} with NUL`, 'refuse', toJson(setAt(base, first.path, 'a\u0000b')));
      if (op.body) req('body {}', 'maybe', '{}');
      const free = props.filter((p) => isFreeText(p.name, p.schema) && !REFUSALS_ONLY.has(op.key));
      if (free.length) req('free text emoji', 'maybe', toJson(free.reduce((b, p) => setAt(b, p.path, LEGIT_TEXT.emoji), base)));
      return out;
    }
    // Far too big.
    if (full) {
      const pad = 'a'.repeat(1_100_000);
      req('over BODY_LIMIT', 'refuse', Array.isArray(base) ? toJson([...base, pad]) : toJson(setAt(base, ['pad'], pad)));
    }
    if (REFUSALS_ONLY.has(op.key) && !op.body) return out;

    // The whole body of the wrong type.
    for (const whole of full ? ['null', '[]', `[${baseJson}]`, '"text"', '42', 'true', '1e309'] : ['null', '[]']) {
      // An empty list is a valid list body (a year's calendar without exceptions).
      const valid = !op.body || (whole === '[]' && schema.type === 'array');
      req(`body ${whole.slice(0, 20)}`, valid ? 'maybe' : 'refuse', whole);
    }
    req('body {}', emptyKind, '{}');
    // Nesting and breadth no form needs.
    req('10 000-deep object', op.body ? 'refuse' : 'maybe', DEEP_OBJECT);
    if (full) {
      req('10 000-deep array', op.body ? 'refuse' : 'maybe', DEEP_ARRAY);
      req('50 000 keys', op.body && strict ? 'refuse' : 'maybe', `${MANY_KEYS.slice(0, -1)},${baseJson.slice(1)}`);
      req('__proto__ key', op.body && strict ? 'refuse' : 'maybe', `{"__proto__":{"role":"admin"},${baseJson.slice(1)}`);
      req('constructor key', op.body && strict ? 'refuse' : 'maybe', `{"constructor":{"prototype":{"x":1}},${baseJson.slice(1)}`);
      req('NUL in a key', 'refuse', `{"a\\u0000":1,${baseJson.slice(1)}`);
    }
    // The right JSON under another name.
    const types: Array<[string, string | null, string | Uint8Array]> = [
      ['text/plain', 'text/plain', baseJson],
      ['no Content-Type', null, new Uint8Array(Buffer.from(baseJson))],
    ];
    if (full) {
      types.push(
        ['application/xml', 'application/xml', '<xml><a>1</a></xml>'],
        ['text/xml', 'text/xml', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;&a;</x>`],
        [
          'multipart/form-data',
          'multipart/form-data; boundary=XyZ',
          '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--XyZ--\r\n',
        ],
        ['form-urlencoded', 'application/x-www-form-urlencoded', 'a=1&b=2'],
        ['text/html', 'text/html', '<b>x</b>'],
      );
    }
    for (const [label, type, body] of types) req(label, op.body ? 'refuse' : 'maybe', body, type);
    // ASCII JSON reads the same in Latin-1: accepting it is no defect.
    if (full) req('json; charset=latin1', 'maybe', baseJson, 'application/json; charset=latin1');
    if (!op.body) return out;

    // Property by property.
    let turn = 0;
    for (const p of props) {
      const at = (v: unknown) => toJson(setAt(base, p.path, v));
      const name = p.path.join('.');
      const wrong = wrongTypes(p.schema);
      const kindOfWrong = (v: unknown): SweepRequest['kind'] =>
        v === null && !p.schema.nullable && p.schema.default === undefined ? 'refuse' : 'maybe';
      for (const v of full ? wrong : wrong.slice(0, 1))
        req(`${name} = ${JSON.stringify(v)}`, v === null ? kindOfWrong(v) : 'refuse', at(v));
      const stringy = p.schema.type === 'string' || (p.schema.type === undefined && !p.schema.properties && !p.schema.items);
      if (stringy) {
        req(`${name} with NUL`, 'refuse', at(`a\u0000b`));
        if (full) {
          req(
            `${name} with control ${JSON.stringify(CONTROLS[turn % CONTROLS.length])}`,
            'refuse',
            at(CONTROLS[turn % CONTROLS.length] + '测试'),
          );
          req(`${name} with lone surrogate`, 'refuse', at(`测试${LONE_SURROGATES[turn % LONE_SURROGATES.length]}`));
          turn++;
          if (isDateLike(p.name, p.schema))
            for (const d of BAD_DATES) req(`${name} = ${d}`, LENIENT_DATES.has(op.key) ? 'maybe' : 'refuse', at(d));
        }
      }
      if (full && p.schema.type && ['integer', 'number'].includes(p.schema.type)) {
        // The first numbers for every numeric property, the rest in turn; then both sides of each declared bound.
        const numbers = [...BAD_NUMBERS.slice(0, 6), BAD_NUMBERS[6 + (turn % (BAD_NUMBERS.length - 6))]];
        if (p.schema.maximum !== undefined) numbers.push(p.schema.maximum, p.schema.maximum + 1);
        if (p.schema.minimum !== undefined) numbers.push(p.schema.minimum, p.schema.minimum - 1);
        turn++;
        for (const v of numbers) {
          req(
            `${name} = ${v instanceof Raw ? v.text.slice(0, 24) : JSON.stringify(v)}`,
            numberFits(p.schema, v) ? 'maybe' : 'refuse',
            at(v),
          );
        }
      }
      if (full && p.schema.type === 'array') {
        req(`${name} = [null]`, 'refuse', at([null]));
        if (p.schema.maxItems !== undefined && p.schema.maxItems < 5000) {
          const item = example(p.schema.items ?? {}, hintFor(op), p.name);
          req(`${name} over maxItems`, 'refuse', at(Array.from({ length: p.schema.maxItems + 1 }, () => item)));
        }
      }
      // Ranges: startNo > endNo wherever a range is, overlapping and repeated lines where lines are.
      if (full && p.name === 'startNo') {
        const parent = p.path.slice(0, -1);
        req(
          `${parent.join('.') || 'range'} reversed`,
          'refuse',
          toJson(setAt(setAt(base, [...parent, 'startNo'], 30), [...parent, 'endNo'], 20)),
        );
        if (parent.length === 2) {
          const lines = [
            { batchCode: BATCH, startNo: 20, endNo: 30 },
            { batchCode: BATCH, startNo: 25, endNo: 35 },
          ];
          req(`${parent[0]} overlapping`, 'refuse', toJson(setAt(base, [parent[0]], lines)));
          req(`${parent[0]} repeated`, 'refuse', toJson(setAt(base, [parent[0]], [lines[0], lines[0]])));
        }
      }
    }
    // Legitimate text a person may type: accepted or refused on its merits, never a 5xx.
    if (!REFUSALS_ONLY.has(op.key)) {
      const free = props.filter((p) => isFreeText(p.name, p.schema));
      if (free.length) {
        const variants = full ? Object.entries(LEGIT_TEXT) : [['emoji', LEGIT_TEXT.emoji] as const];
        for (const [label, text] of variants) {
          let body = base;
          for (const p of free) body = setAt(body, p.path, text.slice(0, p.schema.maxLength ?? text.length));
          req(`free text ${label}`, 'maybe', toJson(body));
        }
        if (full) {
          let body = base;
          for (const p of free) body = setAt(body, p.path, '票'.repeat(p.schema.maxLength ?? 300));
          req('free text at maxLength', 'maybe', toJson(body));
        }
      }
    }
    return out;
  }

  /** Bad values for each path parameter, with the operation's valid body. */
  function pathBattery(op: Operation, authorization: string | undefined, values: string[]): SweepRequest[] {
    const body = op.body ? toJson(baseBody(op)) : undefined;
    return op.params.flatMap((p) =>
      values.map((value) => ({
        op: op.key,
        label: `path ${p.name} = ${value.slice(0, 30)}`,
        method: op.method,
        url: pathOf(op, 'existing', { name: p.name, value }),
        authorization,
        body,
        // Plain digits within a parameter's declared bounds may be a real value (a 10-digit bill number).
        kind:
          /^\d+$/.test(value) && p.schema.type === 'integer' && numberFits(p.schema, Number(value))
            ? ('maybe' as const)
            : ('refuse' as const),
      })),
    );
  }

  /** Bad values for each query parameter: the core set for all, a few of the others in turn. */
  function queryBattery(op: Operation, authorization: string | undefined, full: boolean): SweepRequest[] {
    const out: SweepRequest[] = [];
    const url = pathOf(op, 'existing');
    op.query.forEach((q) => {
      const values = full ? [...CORE_QUERY_VALUES, ...inTurn(MORE_QUERY_VALUES, 3)] : ['%00'];
      for (const v of values) {
        const [qs, shown] = typeof v === 'string' ? [`${q.name}=${v}`, v.slice(0, 30)] : [`${q.name}=1&${q.name}=2`, 'repeated'];
        out.push({ op: op.key, label: `${q.name} = ${shown}`, method: op.method, url: `${url}?${qs}`, authorization, kind: 'probe' });
      }
    });
    // Parameters the operation does not declare (every GET gets this, also those without parameters).
    if (full)
      out.push({
        op: op.key,
        label: 'undeclared parameters',
        method: op.method,
        url: `${url}?zz=%00&__proto__=x&constructor=1`,
        authorization,
        kind: 'probe',
      });
    if (full && op.query.length > 1) {
      const all = op.query.map((q) => `${q.name}=%00`).join('&');
      out.push({ op: op.key, label: 'every parameter NUL', method: op.method, url: `${url}?${all}`, authorization, kind: 'probe' });
    }
    return out;
  }

  /** The sweep's own tokens must outlive every operation, or the rest of it would only measure 401s. */
  async function stillSignedIn(op: Operation): Promise<void> {
    for (const token of [t.adminToken, staff]) {
      const r = await t.call('GET', '/api/v1/me', { token });
      if (r.status !== 200) throw new Error(`after ${op.key} a sweep token no longer works: ${r.status} ${r.text}`);
    }
  }

  it('when every operation gets bad input as admin and as unit staff, then no 5xx, refusals keep the contract and change no table', async () => {
    const log = await part(`the OpenAPI document (${ops.length} operations)`, async (log) => {
      const tables = await tablesOf(t.ds);
      const sweep = makeSweeper({ baseUrl: t.baseUrl, ds: t.ds, tables, log });
      const admin = `Bearer ${t.adminToken}`;
      const unitStaff = `Bearer ${staff}`;
      for (const op of ops.filter((o) => o.method !== 'GET')) {
        const asAdmin = op.security === 'none' ? undefined : bearer(op, admin);
        const requests = [
          ...bodyBattery(op, pathOf(op, 'existing'), asAdmin, 'full'),
          ...(op.params.length ? bodyBattery(op, pathOf(op, 'missing'), asAdmin, 'minimal') : []),
          ...pathBattery(op, asAdmin, [...CORE_PATH_VALUES, ...inTurn(MORE_PATH_VALUES, 3)]),
        ];
        const asStaff = op.security === 'bearer' ? unitStaff : asAdmin;
        requests.push(...bodyBattery(op, pathOf(op, 'existing'), asStaff, 'sample'));
        if (op.params.length) requests.push(...pathBattery(op, asStaff, ['abc', '%00']));
        await sweep.batch(REFUSALS_ONLY.has(op.key) ? requests.filter((r) => r.kind === 'refuse') : requests);
        await stillSignedIn(op);
      }
      for (const op of ops.filter((o) => o.method === 'GET')) {
        const asAdmin = op.security === 'none' ? undefined : bearer(op, admin);
        const requests = [
          ...queryBattery(op, asAdmin, true),
          ...pathBattery(op, asAdmin, [...CORE_PATH_VALUES, ...inTurn(MORE_PATH_VALUES, 3)]),
        ];
        requests.push(...queryBattery(op, unitStaff, false));
        if (op.params.length) requests.push(...pathBattery(op, unitStaff, ['abc', '%00']));
        await sweep.batch(requests);
        await stillSignedIn(op);
      }
    });
    // Every operation of the document was swept.
    expect(ops.filter((o) => !log.operations.has(o.key)).map((o) => o.key)).toEqual([]);
  }, 600_000);
  /**
   * POST/GET /wecom/callback is outside the document (WeCom's protocol, not ours): genuine, signed
   * callbacks whose text, sender, ids or XML are bad, then forged and malformed ones. A genuine one
   * gets 200 (the normal reply, or empty while the answer goes out later), never the fallback for a
   * failure; a malformed or forged one a clean 4xx that changes nothing.
   */
  it('when the WeCom callback gets bad XML, bad text and bad signatures, then 200 or a clean 4xx, and refusals change no table', async () => {
    await part('the WeCom callback', async (log) => {
      const tables = await tablesOf(t.ds);
      const sweep = makeSweeper({ baseUrl: t.baseUrl, ds: t.ds, tables, log, concurrency: 1 });
      const crypto = makeWecomCrypto({ token: WECOM.token, encodingAESKey: WECOM.encodingAESKey, receiveId: WECOM.corpId });
      const nowS = () => String(Math.floor(t.clock.now().getTime() / 1000));
      let nonce = 100_000_000;
      let msgId = 7_000_000_000_000_000_000n;
      const op = 'POST /wecom/callback';
      const cdata = (s: string) => `<![CDATA[${s}]]>`;
      /** A signed envelope around `inner` (the decrypted message XML). */
      const sealed = (inner: string) => {
        const ts = nowS();
        const n = String(++nonce);
        const encrypt = crypto.encrypt(inner, randomBytes(16));
        const qs = new URLSearchParams({ msg_signature: crypto.signature(ts, n, encrypt), timestamp: ts, nonce: n }).toString();
        return {
          qs,
          body: `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt><AgentID>1000002</AgentID></xml>`,
        };
      };
      const message = (o: { from?: string; content?: string; msgType?: string; msgId?: string; createTime?: string; extra?: string }) =>
        `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName><FromUserName>${o.from ?? cdata('u1-staff')}</FromUserName>` +
        `<CreateTime>${o.createTime ?? nowS()}</CreateTime><MsgType>${o.msgType ?? cdata('text')}</MsgType>` +
        `${o.content === undefined ? '' : `<Content>${o.content}</Content>`}<MsgId>${o.msgId ?? String(++msgId)}</MsgId>${o.extra ?? ''}<AgentID>1000002</AgentID></xml>`;
      const post = (
        label: string,
        kind: SweepRequest['kind'],
        qs: string,
        body: string | Uint8Array,
        contentType: string | null = 'text/xml',
      ): SweepRequest => ({
        op,
        label,
        method: 'POST',
        url: `/wecom/callback?${qs}`,
        body,
        contentType,
        kind,
        contract: 'wecom',
      });
      /** The text of a passive reply, or null when the answer was empty (it goes out later, or there is none). */
      const replyOf = (text: string): string | null => {
        const envelope = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(text);
        if (!envelope) return null;
        return /<Content><!\[CDATA\[([\s\S]*)\]\]><\/Content>/.exec(crypto.decrypt(envelope[1]).message)?.[1] ?? '';
      };
      // A genuine callback is answered as any other: the failure fallback means the text broke something.
      const notFallback = (res: { status: number; text: string }) =>
        res.status === 200 && replyOf(res.text)?.includes('系统暂时忙') ? `answered with the failure fallback: ${replyOf(res.text)}` : null;
      const genuine = (label: string, inner: string): SweepRequest => {
        const { qs, body } = sealed(inner);
        return { ...post(label, 'maybe', qs, body), inspect: notFallback };
      };

      // Genuine callbacks: the text a member (or a broken client) can send.
      const texts: Array<[string, string]> = [
        ['NUL in CDATA', cdata('我们还剩\u0000多少票')],
        ['&#0; outside CDATA', '我们还剩&#0;多少票'],
        ['only NULs', '&#0;&#0;&#0;'],
        ['C0 controls', '&#1;&#27;[31m还剩多少票&#127;'],
        ['lone surrogate reference', '&#xD800;多少票'],
        ['emoji', cdata(LEGIT_TEXT.emoji)],
        ['SQL', cdata(LEGIT_TEXT.sql)],
        ['formula', cdata(LEGIT_TEXT.formula)],
        ['quotes and markup', cdata(LEGIT_TEXT.quotes)],
        ['2 000 characters', cdata('票'.repeat(2000))],
        ['20 000 characters', cdata('票'.repeat(20_000))],
        ['empty', cdata('')],
      ];
      const genuineRequests = texts.map(([label, content]) => genuine(`text: ${label}`, message({ content })));
      genuineRequests.push(
        genuine('sender with NUL', message({ from: 'u1&#0;staff', content: cdata('你好') })),
        genuine('sender with controls', message({ from: 'u1&#27;staff', content: cdata('你好') })),
        genuine('sender emoji', message({ from: cdata('😀'), content: cdata('你好') })),
        genuine('sender SQL', message({ from: cdata("x' OR '1'='1"), content: cdata('你好') })),
        genuine('sender 300 characters', message({ from: cdata('u'.repeat(300)), content: cdata('你好') })),
        genuine('MsgId not digits', message({ content: cdata('你好'), msgId: 'abc' })),
        genuine('MsgId with NUL', message({ content: cdata('你好'), msgId: '12&#0;3' })),
        genuine('MsgId 40 digits', message({ content: cdata('你好'), msgId: '9'.repeat(40) })),
        genuine('CreateTime not digits', message({ content: cdata('你好'), createTime: 'abc' })),
        genuine('CreateTime huge', message({ content: cdata('你好'), createTime: '99999999999999999999' })),
        genuine('image', message({ msgType: cdata('image'), extra: `<MediaId>${cdata('m1')}</MediaId>` })),
        genuine('MsgType NUL', message({ msgType: 'te&#0;xt', content: cdata('你好') })),
        genuine(
          'event with NUL',
          `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName><FromUserName>${cdata('u1-staff')}</FromUserName><CreateTime>${nowS()}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>click&#0;</Event><EventKey>k&#0;${LEGIT_TEXT.sql}</EventKey><AgentID>1000002</AgentID></xml>`,
        ),
        genuine(
          'event key SQL',
          `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName><FromUserName>${cdata('u1-staff')}</FromUserName><CreateTime>${nowS()}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>click</Event><EventKey>${cdata(LEGIT_TEXT.sql)}</EventKey><AgentID>1000002</AgentID></xml>`,
        ),
        genuine('inner not XML', 'hello'),
        genuine('inner empty', ''),
        genuine('inner unclosed', '<xml><Content>'),
        genuine('inner 10 000 deep', `${'<a>'.repeat(10_000)}x${'</a>'.repeat(10_000)}`),
        genuine(
          'inner DOCTYPE',
          `<!DOCTYPE x [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>${message({ content: '&b;&b;&b;' })}`,
        ),
        genuine('inner duplicate Content', message({ content: cdata('你好'), extra: `<Content>${cdata('再见')}</Content>` })),
        genuine('inner 200 KB', message({ content: cdata('a'.repeat(200_000)) })),
      );

      // Forged, stale or malformed: refused before anything is read or written.
      const good = sealed(message({ content: cdata('你好') }));
      const q = new URLSearchParams(good.qs);
      const withQuery = (patch: Record<string, string | null>) => {
        const p = new URLSearchParams(q);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) p.delete(k);
          else p.set(k, v);
        }
        return p.toString();
      };
      const refused: SweepRequest[] = [
        post('bad signature', 'refuse', withQuery({ msg_signature: '0'.repeat(40) }), good.body),
        post('no signature', 'refuse', withQuery({ msg_signature: null }), good.body),
        post('no nonce', 'refuse', withQuery({ nonce: null }), good.body),
        post('timestamp not digits', 'refuse', withQuery({ timestamp: 'abc' }), good.body),
        post('timestamp NUL', 'refuse', `${withQuery({ timestamp: null })}&timestamp=%00`, good.body),
        post('signature NUL', 'refuse', `${withQuery({ msg_signature: null })}&msg_signature=a%00b`, good.body),
        post('repeated nonce', 'refuse', `${good.qs}&nonce=1`, good.body),
        post('query %ZZ', 'refuse', `${good.qs}&x=%ZZ`, good.body),
        post('query lone surrogate', 'refuse', `${good.qs.replace(/nonce=\d+/, 'nonce=%ED%A0%80')}`, good.body),
        post('no query', 'refuse', '', good.body),
        post('no Encrypt', 'refuse', good.qs, `<xml><ToUserName>${cdata(WECOM.corpId)}</ToUserName></xml>`),
        post('Encrypt with NUL', 'refuse', good.qs, `<xml><Encrypt>ab&#0;cd</Encrypt></xml>`),
        post('Encrypt not base64', 'refuse', good.qs, `<xml><Encrypt>${cdata('!!!!')}</Encrypt></xml>`),
        post('envelope NUL', 'refuse', good.qs, `<xml>\u0000<Encrypt>x</Encrypt></xml>`),
        post('envelope DOCTYPE', 'refuse', good.qs, `<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>`),
        post('envelope 10 000 deep', 'refuse', good.qs, `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`),
        post('envelope duplicate Encrypt', 'refuse', good.qs, good.body.replace('</xml>', '<Encrypt>QUJD</Encrypt></xml>')),
        post('envelope not XML', 'refuse', good.qs, 'hello'),
        post('empty body', 'refuse', good.qs, ''),
        post('envelope 100 KB', 'refuse', good.qs, `<xml><Encrypt>${'A'.repeat(100_000)}</Encrypt></xml>`),
        post('envelope 300 KB', 'refuse', good.qs, `<xml><Encrypt>${'A'.repeat(300_000)}</Encrypt></xml>`),
        post('invalid UTF-8', 'refuse', good.qs, new Uint8Array([0x3c, 0x78, 0xff, 0xfe, 0x3e])),
        post('JSON body', 'refuse', good.qs, '{"Encrypt":"x"}', 'application/json'),
        post('broken JSON body', 'refuse', good.qs, '{', 'application/json'),
        post(
          'multipart body',
          'refuse',
          good.qs,
          '--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--B--\r\n',
          'multipart/form-data; boundary=B',
        ),
        post('form body', 'refuse', good.qs, 'Encrypt=x', 'application/x-www-form-urlencoded'),
        post('no Content-Type, 100 KB', 'refuse', good.qs, new Uint8Array(100_000).fill(0x41), null),
        post('text/plain, NUL', 'refuse', good.qs, '\u0000\u0000', 'text/plain'),
      ];
      const verify = (label: string, query: string): SweepRequest => ({
        op: 'GET /wecom/callback',
        label,
        method: 'GET',
        url: `/wecom/callback?${query}`,
        kind: 'refuse',
        contract: 'wecom',
      });
      const echo = crypto.encrypt('echo-1');
      const ts = nowS();
      const signed = (echostr: string) =>
        `msg_signature=${crypto.signature(ts, '5', echostr)}&timestamp=${ts}&nonce=5&echostr=${encodeURIComponent(echostr)}`;
      refused.push(
        verify('no query', ''),
        verify('bad signature', `msg_signature=${'0'.repeat(40)}&timestamp=${ts}&nonce=5&echostr=${encodeURIComponent(echo)}`),
        verify('echostr NUL', signed('\u0000')),
        verify('echostr not base64', signed('!!!!')),
        verify('echostr %ZZ', `${signed(echo)}&echostr=%ZZ`),
        verify('timestamp NUL', `msg_signature=x&timestamp=%00&nonce=5&echostr=x`),
        verify('10 000 parameters', Array.from({ length: 10_000 }, (_, i) => `p${i}=1`).join('&')),
      );
      await sweep.batch([...refused, ...genuineRequests]);

      // A question with a NUL in it gets the answer it would get without: 「我们还剩多少票」 is a stock question.
      for (const [label, content] of texts.slice(0, 2)) {
        const { qs, body } = sealed(message({ content }));
        const r = await sweep.send(post(`answered: ${label}`, 'maybe', qs, body));
        expect(r.status, label).toBe(200);
        expect(replyOf(r.text), label).toMatch(/票/);
        if (process.env.SWEEP_TRACE) console.log(label, replyOf(r.text));
      }
    });
  }, 120_000);
  /** The routes outside the document: health, metrics, the API docs' assets, the signed summary pages, unknown paths. */
  it('when the routes outside the document get bad paths, queries and tokens, then no 5xx and nothing changes', async () => {
    await part('routes outside the document', async (log) => {
      const tables = await tablesOf(t.ds);
      const sweep = makeSweeper({ baseUrl: t.baseUrl, ds: t.ds, tables, log });
      const get = (url: string, authorization?: string): SweepRequest => ({
        op: `GET ${url.split('?')[0].replace(/\/[^/]*$/, '/…')}`,
        label: url.slice(0, 40),
        method: 'GET',
        url,
        authorization,
        kind: 'probe',
        contract: 'none',
      });
      const requests: SweepRequest[] = [
        get('/health?x=%00'),
        get('/metrics'),
        get('/metrics', 'Bearer a%00b'),
        get('/metrics', `Bearer ${'x'.repeat(8000)}`),
        get('/docs?x=%00'),
        get('/docs/%00'),
        get('/docs/..%2F..%2Fpackage.json'),
        get('/docs/%2e%2e%2f%2e%2e%2fpackage.json'),
        get('/docs/swagger-ui.css%00.js'),
        get('/docs/%ZZ'),
        get('/s/summaries/%00'),
        get('/s/summaries/1?u=%00&exp=1e309&sig=x'),
        get('/s/summaries/1?u=1&exp=99999999999999999999&sig=%ED%A0%80'),
        get('/s/summaries/1?u=1&u=2&exp=1&exp=2&sig=a&sig=b'),
        get('/s/summaries/99999999999/xlsx?u=1&exp=1&sig=x'),
        get('/s/summaries/1/chart.png?u=-1&exp=-1&sig='),
        get('/api/v1/no-such-thing%00'),
        get('/api/v1/%2e%2e/%2e%2e/etc/passwd'),
        get('/api/v1/me', 'Bearer a.b.c'),
        get('/api/v1/me', `Bearer ${'x'.repeat(8000)}`),
        get('/api/v1/me', 'Basic YWRtaW46RGVzazIwMjZ0ZXN0'),
        get('/api/v1/me', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.'),
        { ...get('/api/v1/units'), method: 'DELETE', authorization: `Bearer ${t.adminToken}`, contract: 'api', kind: 'refuse' },
        { ...get('/health'), method: 'PUT', body: '{}', kind: 'refuse' },
        { ...get('/api/v1/units'), method: 'PROPFIND', authorization: `Bearer ${t.adminToken}`, kind: 'refuse' },
      ];
      await sweep.batch(requests);
    });
  });
});
