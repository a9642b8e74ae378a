import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REGION_KEY_NAMES } from '../../src/domain/settings/region-settings';
import { DEMO_REGION } from '../../tools/demo/demo-region';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectionFinding, InspectionRun } from '../../src/domain/desk/records/inspection.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { makeDatabaseSize } from '../../src/domain/db/database-size';
import { systemActor } from '../../src/domain/identity/actor';
import { makeDeskPort } from '../../src/domain/monitoring/desk-port';
import { checkCalendar } from '../../src/domain/inspections/auto-checks';
import { makeAutoInspection, type AutoInspectionOptions, type FailedJobsPort } from '../../src/domain/inspections/auto-inspection';
import { nodeInspectionFiles } from '../../src/jobs/adapters/inspection-files';
import { StockRange } from '../../src/domain/ledger/stock-range.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { issueToUnit, ledgerScenario } from '../helpers/ledger-fixtures';
import { startTestApp, systemOver, type TestApp } from '../helpers/test-app';

describe('automatic inspection (定期巡检)', () => {
  let t: TestApp;
  let backupDir: string;
  let failed: Awaited<ReturnType<FailedJobsPort>> | Error = [];
  const port: FailedJobsPort = async () => {
    if (failed instanceof Error) throw failed;
    return failed;
  };
  const make = (o: Partial<AutoInspectionOptions> = {}, withRegion = false) =>
    makeAutoInspection({
      ...(withRegion ? { region: t.services.region } : {}),
      store: t.system.store,
      clock: t.clock,
      desk: makeDeskPort(t.services.slaClocks),
      databaseSize: makeDatabaseSize(t.ds, (path) => nodeInspectionFiles.sizeOf(path)),
      inspections: t.services.inspections,
      reports: t.services.reports,
      sla: t.services.sla,
      files: nodeInspectionFiles,
      failedJobs: port,
      options: { backupDir, backupMaxAgeH: 26, dbMaxMb: 1024, ...o },
    });
  const item = (run: { results: Array<{ item: string; status: string; note: string | null }> }, key: string) =>
    run.results.find((r) => r.item === key);
  const counts = async () => ({
    runs: await t.ds.getRepository(InspectionRun).count(),
    tickets: await t.ds.getRepository(Ticket).count(),
    outbox: await t.ds.getRepository(OutboxMessage).count(),
  });

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z' });
    backupDir = mkdtempSync(join(tmpdir(), 'fbd-backup-'));
    await t.services.users.create(systemActor, { username: 'eng', name: '张工', role: 'engineer', wecomUserId: 'eng-zhang' } as never);
    const { billType, unit } = await ledgerScenario(t.services, { count: 1000 });
    await issueToUnit(t.services, { unitCode: unit.code, billTypeCode: billType.code, quantity: 100 });
  });
  afterAll(async () => {
    rmSync(backupDir, { recursive: true, force: true });
    await t?.close();
  });

  it('when everything is in order, then every item is recorded, no ticket opens and the engineers get one report', async () => {
    writeFileSync(join(backupDir, 'desk-20260302.dump'), 'x');
    const before = await counts();
    const run = await make().run(systemActor, 'auto');
    expect(run.results.map((r) => r.item).sort()).toEqual([
      'backup.age',
      'calendar.holidays',
      'controls.separation',
      'db.size',
      'ledger.invariants',
      'queues.failed',
      'stock.low',
      'writeoff.overdue',
    ]);
    expect(item(run, 'ledger.invariants')?.status).toBe('ok');
    expect(item(run, 'backup.age')?.status).toBe('ok');
    expect(item(run, 'queues.failed')?.status).toBe('ok');
    expect(run.findings).toEqual([]);
    expect(await counts()).toEqual({ runs: before.runs + 1, tickets: before.tickets, outbox: before.outbox + 1 });
    const pushed = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `inspection-run-${run.id}` });
    expect(pushed.message).toMatchObject({ channel: 'app', toUsers: ['eng-zhang'], kind: 'text' });
    // The next daily run supersedes the report.
    expect(pushed.expiresAt).toEqual(new Date(t.clock.now().getTime() + 24 * 3_600_000));
    expect((pushed.message as { content: string }).content).toContain('【自动巡检】');
    expect((pushed.message as { content: string }).content).toContain(`巡检记录 #${run.id}`);
  });

  it('when the newest backup is too old and jobs failed, then the run fails, each finding opens a ticket once, and a second run opens none', async () => {
    const old = (t.clock.now().getTime() - 3 * 24 * 3_600_000) / 1000;
    for (const f of ['desk-20260302.dump']) utimesSync(join(backupDir, f), old, old);
    failed = [{ queue: 'notifications', failed: 2, recent: 2, lastReason: 'WeCom API error -1: system busy' }];
    const first = await make().run(systemActor, 'auto');
    expect(first.status).toBe('fail');
    expect(item(first, 'backup.age')).toMatchObject({ status: 'fail', note: expect.stringContaining('3 天前') });
    expect(item(first, 'queues.failed')).toMatchObject({ status: 'fail', note: expect.stringContaining('notifications 2 个') });
    expect(first.findings.map((f) => f.title).sort()).toEqual(['任务队列有失败任务', '数据备份缺失或过期']);
    expect(first.findings.every((f) => f.ticketId !== null)).toBe(true);
    const ticket = await t.ds.getRepository(Ticket).findOneByOrFail({ id: first.findings[0].ticketId as number });
    expect(ticket).toMatchObject({ source: 'inspection', state: 'new' });

    const before = await counts();
    const second = await make().run(systemActor, 'auto');
    expect(second.findings).toHaveLength(2);
    expect(second.findings.every((f) => f.ticketId === null)).toBe(true);
    expect((await counts()).tickets).toBe(before.tickets);
    failed = [];
  });

  it('when no backup location is configured or Redis is away, then those items warn instead of failing', async () => {
    failed = new Error('queue timed out after 3000 ms');
    const run = await make({ backupDir: undefined }).run(systemActor, 'manual');
    expect(item(run, 'backup.age')).toMatchObject({ status: 'warn', note: expect.stringContaining('BACKUP_DIR') });
    expect(item(run, 'queues.failed')).toMatchObject({ status: 'warn', note: expect.stringContaining('Redis') });
    expect(run.kind).toBe('manual');
    failed = [];
  });

  it('when the ledger breaks an invariant, then the run fails with an urgent ticket', async () => {
    const any = await t.ds.getRepository(StockRange).findOneByOrFail({ holder: 'unit' });
    await t.ds.getRepository(StockRange).insert({ ...any, id: undefined, startNo: 900_000, endNo: 900_009 });
    try {
      const run = await make().run(systemActor, 'auto');
      expect(item(run, 'ledger.invariants')?.status).toBe('fail');
      const finding = await t.ds.getRepository(InspectionFinding).findOneByOrFail({ runId: run.id, title: '台账不变量被破坏' });
      expect(finding.severity).toBe('urgent');
      expect((await t.ds.getRepository(Ticket).findOneByOrFail({ id: finding.ticketId as number })).priority).toBe('urgent');
    } finally {
      await t.ds.getRepository(StockRange).delete({ startNo: 900_000 });
    }
  });

  it('when a start switches SEPARATION_OF_DUTIES off, then the daily inspection warns of it until a start switches it on again', async () => {
    writeFileSync(join(backupDir, 'desk-20260302.dump'), 'x');
    utimesSync(join(backupDir, 'desk-20260302.dump'), t.clock.now(), t.clock.now());
    failed = [];
    const separation = async () => item(await make().run(systemActor, 'auto'), 'controls.separation');
    expect(await separation()).toMatchObject({ status: 'ok', note: expect.stringContaining('已开启') });

    // A restart of the service over the same database with the rule off (a one-person office).
    const off = await systemOver(t.ds, t.clock, { SEPARATION_OF_DUTIES: 'off' });
    await off.close();
    const run = await make().run(systemActor, 'auto');
    expect(item(run, 'controls.separation')).toMatchObject({ status: 'warn', note: expect.stringContaining('已关闭') });
    expect(run.status).toBe('warn');
    expect(run.findings).toEqual([]);
    expect(run.report).toContain('⚠️ 不相容岗位分离：已关闭');

    const on = await systemOver(t.ds, t.clock);
    await on.close();
    expect(await separation()).toMatchObject({ status: 'ok' });
  });

  it('when next year is not loaded, then November warns and December opens a ticket; a missing current year always fails', () => {
    expect(checkCalendar([2026], 2026, 10, 11).status).toBe('ok');
    expect(checkCalendar([2026], 2026, 11, 11).status).toBe('warn');
    expect(checkCalendar([2026], 2026, 12, 11)).toMatchObject({ status: 'fail', finding: { title: '节假日日历缺少 2027 年' } });
    expect(checkCalendar([2026, 2027], 2026, 12, 11).status).toBe('ok');
    expect(checkCalendar([2025], 2026, 3, 11)).toMatchObject({ status: 'fail', finding: { title: '节假日日历缺少 2026 年' } });
  });

  it('when region values are unset, then the daily inspection lists them as a warning; once all are set, it is ok', async () => {
    writeFileSync(join(backupDir, 'desk-20260302.dump'), 'x');
    utimesSync(join(backupDir, 'desk-20260302.dump'), t.clock.now(), t.clock.now());
    failed = [];
    await t.services.region.put(systemActor, 'bureau.phone', { value: '0759-3220875' });
    const run = await make({}, true).run(systemActor, 'auto');
    const region = item(run, 'region.unset')!;
    expect(region.status).toBe('warn');
    expect(region.note).toContain(`${REGION_KEY_NAMES.length - 1} 项未设置`);
    expect(region.note).toContain('办公地址（bureau.address）');
    expect(region.note).not.toContain('bureau.phone');
    expect(run.findings).toEqual([]);

    for (const [key, value] of Object.entries(DEMO_REGION)) await t.services.region.put(systemActor, key, { value });
    expect(item(await make({}, true).run(systemActor, 'auto'), 'region.unset')).toMatchObject({ status: 'ok' });
  });
});

// The route as the running service mounts it: the inspection bound to the live queues.
describe('POST /inspections/run through the production wiring', () => {
  let t: TestApp;
  const counts = async (app: TestApp) => ({
    runs: await app.ds.getRepository(InspectionRun).count(),
    tickets: await app.ds.getRepository(Ticket).count(),
    outbox: await app.ds.getRepository(OutboxMessage).count(),
  });
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z', jobs: { runWorkers: false } });
    await t.call('POST', '/api/v1/units', { token: t.adminToken, body: { code: 'U1', name: '市第一中学' } });
  });
  afterAll(async () => t?.close());

  it('when an engineer posts /inspections/run, then it runs now; unit staff and leaders are refused and nothing is written', async () => {
    const eng = await t.userToken('engineer');
    const r = await t.call('POST', '/api/v1/inspections/run', { token: eng });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ kind: 'manual', report: expect.stringContaining('手动') });
    expect(await t.ds.getRepository(InspectionRun).countBy({ id: r.body.id })).toBe(1);
    const before = await counts(t);
    for (const token of [
      await t.userToken('leader'),
      await t.userToken('unit_staff', { unitCode: (await t.ds.query('SELECT code FROM unit LIMIT 1'))[0].code }),
    ]) {
      const refused = await t.call('POST', '/api/v1/inspections/run', { token });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await t.call('POST', '/api/v1/inspections/run')).status).toBe(401);
    expect(await counts(t)).toEqual(before);
  });
});
