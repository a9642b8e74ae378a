import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { DEMO_BILL_TYPES } from '../../tools/demo/demo-bill-types';
import { DEMO_PASSWORD, isDatabaseEmpty, loadDemoData, type DemoSummary } from '../../tools/demo/demo-data';
import { DEMO_UNITS } from '../../tools/demo/demo-units';
import { systemActor } from '../../src/domain/identity/actor';
import { verifyPassword } from '../../src/domain/identity/password';
import { User } from '../../src/domain/identity/user.entity';
import type { DomainServices } from '../../src/domain/services';
import { systemOver } from '../helpers/test-app';
import { expectInvariantsOk, ledgerSnapshot } from '../helpers/ledger-fixtures';
import { openTestDb } from '../helpers/test-db';

const NOW = new Date('2026-11-20T03:00:00Z');
let db: { ds: DataSource; close: () => Promise<void> };
let services: DomainServices;
let clock: ReturnType<typeof fixedClock>;
let summary: DemoSummary;

const count = async (sql: string, params: unknown[] = []) => Number((await db.ds.query(sql, params))[0].n);

describe('demo data', () => {
  beforeAll(async () => {
    db = await openTestDb();
    clock = fixedClock(NOW);
    const system = await systemOver(db.ds, clock);
    services = system.services;
    expect(await isDatabaseEmpty(db.ds)).toBe(true);
    // As `npm run demo` loads it: unit staff's questions go through the real bot.
    summary = await loadDemoData({ ds: db.ds, services, clock, bot: (await system.bot()).bot });
  }, 240_000);
  afterAll(() => db.close());

  it('when loaded on a fresh database, then ≥ 30 units, every bill type and the clock back at the present', async () => {
    expect(summary.units).toBeGreaterThanOrEqual(30);
    expect(await count('SELECT COUNT(*) AS "n" FROM "unit" WHERE "creditCode" IS NOT NULL')).toBe(DEMO_UNITS.length);
    const codes = (await services.catalog.listBillTypes()).map((b) => b.name);
    for (const name of [
      '非税收入通用票据',
      '非税收入专用票据',
      '非税收入一般缴款书',
      '资金往来结算票据',
      '公益事业捐赠票据',
      '医疗收费票据',
      '医疗收费电子票据',
      '社会团体会费票据',
    ]) {
      expect(codes).toContain(name);
    }
    expect(summary.billTypes).toBe(DEMO_BILL_TYPES.length);
    expect(clock.now().toISOString()).toBe(NOW.toISOString());
    expect(await isDatabaseEmpty(db.ds)).toBe(false);
  });

  it('when loaded, then the ledger invariants hold and nothing is dated in the future', async () => {
    await expectInvariantsOk(db.ds);
    expect(await count(`SELECT COUNT(*) AS "n" FROM "journal_entry" WHERE "at" > '${NOW.toISOString()}'`)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS "n" FROM "journal_entry" WHERE "at" < '2021-01-01'`)).toBeGreaterThan(0);
  });

  it('when a demo unit member asks for stock, then it is non-zero and only their unit', async () => {
    const actor = (await services.users.actorForWecom('wangfang'))!;
    expect(actor.unitCode).toBe('105001');
    const stock = await services.stock.stock(actor, { unitCode: '105001' });
    expect(stock.total).toBeGreaterThan(0);
    await expect(services.stock.stock(actor, { unitCode: '105002' })).rejects.toThrow(/本单位/);
  });

  it('when the demo users are read, then they carry the WeCom ids and the demo password', async () => {
    for (const w of ['zhanggong', 'lijuzhang', 'chenjing', 'wangfang', 'liuyang'])
      expect(await services.users.actorForWecom(w)).not.toBeNull();
    expect((await services.users.actorForWecom('zhanggong'))!.role).toBe('engineer');
    expect((await services.users.actorForWecom('lijuzhang'))!.role).toBe('leader');
    const u = await db.ds.getRepository(User).findOneByOrFail({ username: 'wangfang' });
    expect(await verifyPassword(u.passwordHash!, DEMO_PASSWORD)).toBe(true);
  });

  it('when the history is read, then every kind of document and open case is there', async () => {
    const docs = async (type: string, status: string) =>
      count(`SELECT COUNT(*) AS "n" FROM "bill_document" WHERE "docType" = '${type}' AND "status" = '${status}'`);
    expect(await docs('application', 'issued')).toBeGreaterThan(50);
    expect(await docs('application', 'submitted')).toBe(3);
    expect(await docs('application', 'returned')).toBe(1);
    expect(await docs('writeoff', 'approved')).toBeGreaterThan(30);
    expect(await docs('writeoff', 'submitted')).toBe(1);
    expect(await docs('return', 'approved')).toBe(2);
    expect(await docs('stock_void', 'approved')).toBe(2);
    expect(await docs('destruction', 'completed')).toBe(2);
    const returned = await services.writeoffs.list(systemActor, { page: 1, pageSize: 50, status: 'returned' });
    expect(returned.total).toBe(1);
    expect(returned.items[0].opinion).toBe('开票金额与缴库金额不一致，请查明后重新上报');
    expect(await count(`SELECT COUNT(*) AS "n" FROM "stock_range" WHERE "state" = 'DESTROYED' AND "holder" = 'unit'`)).toBeGreaterThan(0);
    expect(await count(`SELECT COUNT(*) AS "n" FROM "stock_range" WHERE "state" = 'LOST' OR "state" = 'WRITTEN_OFF'`)).toBeGreaterThan(0);
    expect(await count('SELECT COUNT(*) AS "n" FROM "application_cap"')).toBeGreaterThan(3);
  });

  it('when the 领用存 report is run for a demo unit-year, then closing = opening + received − used − voided − lost − returned, and closing is the stock', async () => {
    const { reports } = services;
    const r = await reports.stockMovement(systemActor, { unitCode: '112001', from: '2025-11-01', to: '2026-11-20' });
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(row.closing).toBe(row.opening + row.received - row.used - row.voided - row.lost - row.returned);
    }
    expect(r.rows.some((row) => row.returned > 0)).toBe(true);
    const one = await reports.stockMovement(systemActor, { unitCode: '105001', from: '2025-11-01', to: '2026-11-20' });
    const stock = await services.stock.stock(systemActor, { unitCode: '105001' });
    for (const item of stock.items) expect(one.rows.find((x) => x.billTypeCode === item.billTypeCode)?.closing).toBe(item.count);
  });

  it('when the leader runs the weekly summary for last week, then the desk, faults and bills show real figures', async () => {
    const leader = (await services.users.actorForWecom('lijuzhang'))!;
    const s = await services.summaries.run(leader, { kind: 'weekly' });
    expect(s.periodStart).toBe('2026-11-09');
    const f = s.figures.current;
    expect(f.tickets.opened).toBeGreaterThan(3);
    expect(f.tickets.resolved).toBeGreaterThan(3);
    expect(f.tickets.bySource.map((x) => x.key)).toEqual(expect.arrayContaining(['bot', 'alert']));
    expect(f.sla.met).toBeGreaterThan(0);
    expect(f.sla.met + f.sla.breached).toBeGreaterThan(5);
    expect(f.sla.rate).not.toBeNull();
    expect(f.consultations.total).toBeGreaterThan(2);
    expect(f.faults).toEqual({ count: 1, downtimeMinutes: 40, openAtEnd: 0 });
    expect(f.bills.issued).toBe(8500);
    expect(f.bills.writeoffs).toBe(3);
    expect(s.figures.previous.tickets.opened).toBeGreaterThan(0);
    // The bot's questions come from the exchange log the escalations are in: they agree, and containment shows.
    const botTickets = f.tickets.bySource.find((x) => x.key === 'bot')!.count;
    expect(f.bot.escalated).toBeGreaterThanOrEqual(botTickets);
    expect(f.bot.questions).toBeGreaterThan(f.bot.escalated);
    expect(f.bot.containmentRate).toBeGreaterThan(0.5);
    expect(s.markdown).not.toMatch(/提问 0|数据暂缺/);
  });

  it('when the demo is loaded, then the region carries the bureau’s public contact and nothing is left unset', async () => {
    const region = await services.region.values();
    expect(region).toMatchObject({
      'bureau.name': '湛江市财政局',
      'bureau.address': '湛江市赤坎区康顺路48号财政局二楼213室',
      'bureau.phone': '0759-3220875',
    });
    expect(await services.region.unset()).toEqual([]);
  });

  it('when the desk history is read, then about 25 tickets, two on-site visits with arrival, some SLA breaches and 15 consultations are there', async () => {
    const tickets = await count('SELECT COUNT(*) AS "n" FROM "ticket"');
    expect(tickets).toBeGreaterThanOrEqual(20);
    expect(tickets).toBeLessThanOrEqual(32);
    expect(await count('SELECT COUNT(*) AS "n" FROM "ticket" WHERE "arrivedAt" IS NOT NULL')).toBe(2);
    expect(await count(`SELECT COUNT(*) AS "n" FROM "sla_clock" WHERE "state" = 'breached'`)).toBeGreaterThan(0);
    expect(await count(`SELECT COUNT(*) AS "n" FROM "sla_clock" WHERE "kind" = 'onsite' AND "state" = 'met'`)).toBe(2);
    expect(await count('SELECT COUNT(*) AS "n" FROM "consultation"')).toBe(15);
    expect(await count(`SELECT COUNT(*) AS "n" FROM "return_visit" WHERE "status" = 'answered'`)).toBeGreaterThan(0);
    expect(
      await count(
        `SELECT COUNT(*) AS "n" FROM "ticket" WHERE "createdAt" > '${NOW.toISOString()}' OR "resolvedAt" > '${NOW.toISOString()}'`,
      ),
    ).toBe(0);
  });

  it('when loaded a second time, then it refuses and nothing changes', async () => {
    const before = await ledgerSnapshot(db.ds);
    await expect(loadDemoData({ ds: db.ds, services, clock })).rejects.toThrow(/空数据库/);
    expect(await ledgerSnapshot(db.ds)).toEqual(before);
    expect(await count('SELECT COUNT(*) AS "n" FROM "unit"')).toBe(summary.units);
  });
});
