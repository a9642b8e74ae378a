import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEMO_BILL_TYPES } from '../../tools/demo/demo-bill-types';
import { NONE } from '../../src/bot/nlp/classifier';
import { loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { openDatabase } from '../../src/domain/db/data-source';
import { systemActor } from '../../src/domain/identity/actor';
import type { DialogResult } from '../../src/domain/ports/bot';
import { makeLogger } from '../../src/logger';
import { buildSystem } from '../../src/system';
import type { FollowUpPair, OutOfScopeItem, OutOfScopeSet } from './dialog-sets';
import type { HeldOutItem } from './heldout';

/** One question through the dialog and what came back. */
export interface DialogCase {
  text: string;
  gold: string;
  result: DialogResult;
  right: boolean;
}

/** A follow-up pair through the dialog: both turns and whether the pair is right. */
export interface PairCase {
  pair: FollowUpPair;
  first: DialogResult;
  then: DialogResult;
  right: boolean;
}

export interface DialogFigures {
  single: DialogCase[];
  outOfScope: Array<DialogCase & { set: OutOfScopeSet | 'held-out' }>;
  pairs: PairCase[];
  /** Tickets in the database after the out-of-scope rows, per set (the chit-chat set must open none). */
  ticketsBySet: Map<string, number>;
}

const UNIT = { code: 'H2', name: '市第二人民医院' };

/**
 * The real system (buildSystem, as `npm start`) over a fresh in-memory SQLite database seeded with one
 * hospital: the demo's bill types and aliases, stock of three types, a returned write-off and applications
 * of January, February and today. The clock stands at Monday 2026-03-02 10:00 Beijing time.
 */
async function startEvalSystem(root: string) {
  const ds = await openDatabase('sqlite::memory:');
  const clock = fixedClock('2026-01-15T02:00:00Z');
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    KB_DIR: join(root, 'knowledge-base'),
    NLP_MODEL_DIR: join(root, 'node_modules/.cache/fbd-nlp-models'),
    REDIS_PREFIX: `eval${randomBytes(4).toString('hex')}`,
    ADMIN_USERNAME: 'evaladmin',
    ADMIN_PASSWORD: `Eval${randomBytes(9).toString('hex')}`,
  });
  const system = await buildSystem(config, makeLogger('silent'), { clock, database: ds });
  const s = system.services;
  for (const { kindDigits: _k, orderSize: _o, ...bt } of DEMO_BILL_TYPES) await s.catalog.createBillType(systemActor, bt);
  await s.catalog.createUnit(systemActor, { ...UNIT, onboardingStatus: 'online' });
  const batches = { YL01: '37040126', YL01E: '37045126', JS01: '37020126' };
  for (const [code, batchCode] of Object.entries(batches)) {
    await s.receipts.receive(systemActor, { billTypeCode: code, batchCode, startNo: 1, endNo: 20_000 });
  }
  const issue = async (billTypeCode: string, quantity: number) => {
    const app = await s.applications.create(systemActor, { unitCode: UNIT.code, billTypeCode, quantity });
    await s.applications.approve(systemActor, app.id, {});
    await s.issuance.issue(systemActor, app.id);
  };
  await issue('YL01', 2000);
  await issue('JS01', 300);
  const wo = await s.writeoffs.create(systemActor, {
    unitCode: UNIT.code,
    billTypeCode: 'YL01',
    used: [{ batchCode: batches.YL01, startNo: 1, endNo: 500 }],
  } as never);
  await s.writeoffs.reject(systemActor, wo.id, { opinion: '作废票据未附全部联次，请补齐后重新上报' });
  clock.set('2026-02-10T02:00:00Z');
  await issue('YL01E', 5000);
  clock.set('2026-03-02T02:00:00Z');
  const pending = await s.applications.create(systemActor, { unitCode: UNIT.code, billTypeCode: 'JS01', quantity: 200 });
  await s.applications.reject(systemActor, pending.id, { opinion: '请先核销上一批往来票' });
  const { bot } = await system.bot();
  let n = 0;
  /** A member of the hospital who has not spoken yet: no context, no open ticket. */
  const member = async (): Promise<string> => {
    n += 1;
    const wecomUserId = `eval-${n}`;
    await s.users.create(systemActor, {
      username: `eval${n}`,
      name: `职员${n}`,
      role: 'unit_staff',
      unitCode: UNIT.code,
      wecomUserId,
    } as never);
    return wecomUserId;
  };
  const ask = (senderId: string, text: string) => bot.handleMessage({ channel: 'eval', senderId, text, receivedAt: clock.now() });
  const tickets = async (): Promise<number> => {
    const rows: Array<{ n: number | string }> = await ds.query('SELECT COUNT(*) AS n FROM ticket');
    return Number(rows[0].n);
  };
  return { member, ask, tickets, close: () => system.close().then(() => ds.destroy()) };
}

/** What a follow-up's entities must show. */
function entitiesMatch(p: FollowUpPair, r: DialogResult): boolean {
  const e = r.entities;
  if (p.billType !== undefined && e.billType?.code !== p.billType) return false;
  if (p.electronic !== undefined && Boolean(e.electronic) !== p.electronic) return false;
  if (p.latest !== undefined && Boolean(e.latest) !== p.latest) return false;
  if (p.period !== undefined && e.period?.label !== p.period) return false;
  return true;
}

const declinedOrEscalated = (r: DialogResult): boolean => r.intent === NONE || r.outcome === 'declined' || r.outcome === 'escalated';

/**
 * Held-out questions, follow-up pairs and out-of-scope sets through the real dialog (identity, rules,
 * classifier, guards, follow-up context, handlers, escalation) as unit staff, each from a member who
 * has not spoken before (a pair: one member, two turns).
 */
export async function evaluateDialog(
  root: string,
  sets: { heldout: HeldOutItem[]; pairs: FollowUpPair[]; outOfScope: OutOfScopeItem[] },
): Promise<DialogFigures> {
  const sys = await startEvalSystem(root);
  try {
    const single: DialogCase[] = [];
    const outOfScope: DialogFigures['outOfScope'] = [];
    const ticketsBySet = new Map<string, number>();
    // Out-of-scope rows first, set by set, counting the tickets each set leaves behind.
    const oosRows: Array<{ text: string; set: OutOfScopeSet | 'held-out' }> = [
      ...sets.outOfScope,
      ...sets.heldout.filter((h) => h.intent === NONE).map((h) => ({ text: h.text, set: 'held-out' as const })),
    ];
    for (const row of oosRows) {
      const before = await sys.tickets();
      const result = await sys.ask(await sys.member(), row.text);
      ticketsBySet.set(row.set, (ticketsBySet.get(row.set) ?? 0) + (await sys.tickets()) - before);
      outOfScope.push({ text: row.text, gold: NONE, set: row.set, result, right: declinedOrEscalated(result) });
    }
    for (const h of sets.heldout.filter((x) => x.intent !== NONE)) {
      const result = await sys.ask(await sys.member(), h.text);
      single.push({ text: h.text, gold: h.intent, result, right: result.intent === h.intent });
    }
    const pairs: PairCase[] = [];
    for (const pair of sets.pairs) {
      const who = await sys.member();
      const first = await sys.ask(who, pair.first);
      const then = await sys.ask(who, pair.then);
      pairs.push({
        pair,
        first,
        then,
        right: first.intent === pair.firstIntent && then.intent === pair.intent && entitiesMatch(pair, then),
      });
    }
    return { single, outOfScope, pairs, ticketsBySet };
  } finally {
    await sys.close();
  }
}
