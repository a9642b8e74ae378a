import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStatements } from '../../bench/ledger/measure';
import { createDocument } from '../../src/domain/documents/lifecycle';
import { BotCard } from '../../src/domain/cards/card.entity';
import { systemActor } from '../../src/domain/identity/actor';
import {
  expectInvariantsOk,
  freshBatchCode,
  issueToUnit,
  ledgerSnapshot,
  receive,
  seedBillType,
  seedUnit,
} from '../helpers/ledger-fixtures';
import { onPostgres } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * An issuance reads the warehouse's rows and the unit's rows next to them in one statement behind
 * its lock (rangeSql.forIssue), then writes: the runs it hands out merge with the unit's adjacent
 * runs on either side, never with another unit's or across a gap, and a refusal changes nothing.
 * An approval reads what it may promise behind its lock too.
 */
describe('an application approved and issued: what is read behind the lock', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  /** The rows of one bill type in a state as `batch:start-end@holder/unit`, ordered. */
  async function rowsOf(billTypeId: number, unitCodes: Record<number, string>, state = 'IN_STOCK'): Promise<string[]> {
    const rows: Array<Record<string, unknown>> = await t.ds.query(
      `SELECT "batchCode", "startNo", "endNo", "holder", "unitId" FROM "stock_range" WHERE "billTypeId" = ${billTypeId} AND "state" = '${state}' ORDER BY "batchCode", "startNo"`,
    );
    return rows.map(
      (r) => `${String(r.batchCode)}:${Number(r.startNo)}-${Number(r.endNo)}@${r.unitId === null ? 'bureau' : unitCodes[Number(r.unitId)]}`,
    );
  }

  it('when a unit is issued numbers next to its own stock on either side, then they merge, and another unit’s and a gap keep them apart', async () => {
    const bt = await seedBillType(t.services);
    const [u1, u2] = [await seedUnit(t.services), await seedUnit(t.services)];
    const names = { [u1.id]: 'U1', [u2.id]: 'U2' };
    const [a, b] = [freshBatchCode(), freshBatchCode()].sort();
    await receive(t.services, { billTypeCode: bt.code, batchCode: a, startNo: 1, endNo: 130 });
    await receive(t.services, { billTypeCode: bt.code, batchCode: b, startNo: 11, endNo: 20 });

    await issueToUnit(t.services, { unitCode: u1.code, billTypeCode: bt.code, quantity: 100 });
    await issueToUnit(t.services, { unitCode: u2.code, billTypeCode: bt.code, quantity: 10 });
    // 20 of batch a (after U2's 101–110) and all 10 of batch b: nothing of U1's is adjacent yet.
    await issueToUnit(t.services, { unitCode: u1.code, billTypeCode: bt.code, quantity: 30 });
    expect(await rowsOf(bt.id, names)).toEqual([`${a}:1-100@U1`, `${a}:101-110@U2`, `${a}:111-130@U1`, `${b}:11-20@U1`]);

    // Numbers below U1's run of batch b arrive; issued to U1, they join the run above them.
    await receive(t.services, { billTypeCode: bt.code, batchCode: b, startNo: 1, endNo: 10 });
    await receive(t.services, { billTypeCode: bt.code, batchCode: b, startNo: 21, endNo: 40 });
    await issueToUnit(t.services, { unitCode: u1.code, billTypeCode: bt.code, quantity: 10 });
    expect(await rowsOf(bt.id, names)).toEqual([
      `${a}:1-100@U1`,
      `${a}:101-110@U2`,
      `${a}:111-130@U1`,
      `${b}:1-20@U1`,
      `${b}:21-40@bureau`,
    ]);
    // And numbers above it join from the other side.
    await issueToUnit(t.services, { unitCode: u1.code, billTypeCode: bt.code, quantity: 5 });
    expect(await rowsOf(bt.id, names)).toEqual([
      `${a}:1-100@U1`,
      `${a}:101-110@U2`,
      `${a}:111-130@U1`,
      `${b}:1-25@U1`,
      `${b}:26-40@bureau`,
    ]);

    const journal: Array<Record<string, unknown>> = await t.ds.query(
      `SELECT "batchCode", "startNo", "endNo", "count" FROM "journal_entry" WHERE "operation" = 'issue' AND "billTypeId" = ${bt.id} ORDER BY "id"`,
    );
    expect(journal.map((j) => `${String(j.batchCode)}:${Number(j.startNo)}-${Number(j.endNo)}/${Number(j.count)}`)).toEqual([
      `${a}:1-100/100`,
      `${a}:101-110/10`,
      `${a}:111-130/20`,
      `${b}:11-20/10`,
      `${b}:1-10/10`,
      `${b}:21-25/5`,
    ]);
    await expectInvariantsOk(t.ds);
  });

  it('when the warehouse holds less than an approved application, then the issuance is refused in Chinese and nothing changes', async () => {
    const bt = await seedBillType(t.services);
    const unit = await seedUnit(t.services);
    await receive(t.services, { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 50 });
    // Approval promises only stock that exists: an over-promised application dates from before that
    // check (a migrated database), so it is written as such a database holds it.
    const app = await t.system.store.transaction((tx) =>
      createDocument(
        tx.documents,
        { docType: 'application', unitId: unit.id, billTypeId: bt.id, quantity: 60, createdBy: 1, createdAt: new Date() },
        'approved',
      ),
    );
    const before = await ledgerSnapshot(t.ds);
    await expect(t.services.issuance.issue(systemActor, app.id)).rejects.toMatchObject({
      reason: 'STOCK_INSUFFICIENT',
      message: expect.stringContaining('财政库存可发放 50 份'),
    });
    expect(await ledgerSnapshot(t.ds)).toEqual(before);
  });

  it('when write-offs are approved next to the unit’s written-off numbers, then they merge, and another unit’s between keeps them apart', async () => {
    const bt = await seedBillType(t.services);
    const [u1, u2] = [await seedUnit(t.services), await seedUnit(t.services)];
    const names = { [u1.id]: 'U1', [u2.id]: 'U2' };
    const batch = freshBatchCode();
    await receive(t.services, { billTypeCode: bt.code, batchCode: batch, startNo: 1, endNo: 140 });
    await issueToUnit(t.services, { unitCode: u1.code, billTypeCode: bt.code, quantity: 100 });
    await issueToUnit(t.services, { unitCode: u2.code, billTypeCode: bt.code, quantity: 10 });
    await issueToUnit(t.services, { unitCode: u1.code, billTypeCode: bt.code, quantity: 30 });
    const cutoffDate = new Date(t.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    const writeOff = async (unitCode: string, startNo: number, endNo: number, voided?: number) => {
      const report = await t.services.writeoffs.create(systemActor, {
        unitCode,
        billTypeCode: bt.code,
        cutoffDate,
        amount: 10,
        used: [{ batchCode: batch, startNo, endNo }],
        voided: voided === undefined ? [] : [{ batchCode: batch, startNo: voided, endNo: voided }],
        lost: [],
      });
      await t.services.writeoffs.approve(systemActor, report.id, { result: '合格' });
    };
    await writeOff(u1.code, 1, 39, 40);
    expect(await rowsOf(bt.id, names, 'WRITTEN_OFF')).toEqual([`${batch}:1-40@U1`]);
    // Both lines of the next one join the run below them, one after the other.
    await writeOff(u1.code, 41, 99, 100);
    await writeOff(u2.code, 101, 110);
    await writeOff(u1.code, 111, 120);
    expect(await rowsOf(bt.id, names, 'WRITTEN_OFF')).toEqual([`${batch}:1-100@U1`, `${batch}:101-110@U2`, `${batch}:111-120@U1`]);
    expect(await rowsOf(bt.id, names)).toEqual([`${batch}:121-140@U1`]);
    const journal: Array<Record<string, unknown>> = await t.ds.query(
      `SELECT "startNo", "endNo" FROM "journal_entry" WHERE "operation" = 'writeoff.approve' AND "billTypeId" = ${bt.id} ORDER BY "id"`,
    );
    expect(journal.map((j) => `${Number(j.startNo)}-${Number(j.endNo)}`)).toEqual([
      '1-39',
      '40-40',
      '41-99',
      '100-100',
      '101-110',
      '111-120',
    ]);
    await expectInvariantsOk(t.ds);
  });

  it('when a unit reports a second write-off while its first awaits review, then the second card names the first, goes to the WeCom reviewers, and the first card does not', async () => {
    const bt = await seedBillType(t.services);
    const unit = await seedUnit(t.services);
    await receive(t.services, { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 100 });
    const run = (await issueToUnit(t.services, { unitCode: unit.code, billTypeCode: bt.code, quantity: 100 })).ranges[0];
    await t.userToken('operator', { username: `reviewer-${bt.code}`, wecomUserId: `rv-${bt.code}` });
    const cutoffDate = new Date(t.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    const report = (startNo: number, endNo: number) =>
      t.services.writeoffs.create(systemActor, {
        unitCode: unit.code,
        billTypeCode: bt.code,
        cutoffDate,
        amount: 10,
        used: [{ batchCode: run.batchCode, startNo, endNo }],
        voided: [],
        lost: [],
      });
    const first = await report(run.startNo, run.startNo + 9);
    const second = await report(run.startNo + 10, run.startNo + 19);
    const cardOf = (documentId: number) => t.ds.getRepository(BotCard).findOneByOrFail({ action: 'writeoff', documentId });
    const linesOf = async (documentId: number) => ((await cardOf(documentId)).payload as { view: { lines: string[] } }).view.lines;
    expect(await linesOf(first.id)).not.toContainEqual(expect.stringContaining('待审核销'));
    expect(await linesOf(second.id)).toContain(`待审核销：另有 ${first.docNo} 待审核`);
    expect((await cardOf(second.id)).recipients).toContain(`rv-${bt.code}`);
  });

  it.skipIf(!onPostgres)(
    'when a unit is approved, issued, reports a write-off and has it approved on PostgreSQL, then each call costs its fewest round trips',
    async () => {
      const bt = await seedBillType(t.services);
      const unit = await seedUnit(t.services);
      await receive(t.services, { billTypeCode: bt.code, batchCode: freshBatchCode(), startNo: 1, endNo: 500 });
      const app = await t.services.applications.create(systemActor, { unitCode: unit.code, billTypeCode: bt.code, quantity: 120 });
      const counter = countStatements(t.ds);
      const tripsOf = async <T>(call: () => Promise<T>): Promise<[number, T]> => {
        const before = counter.waited;
        const r = await call();
        return [counter.waited - before, r];
      };
      // BEGIN; the lock, the application and what the warehouse can promise; the writes with the view's reads; COMMIT.
      expect((await tripsOf(() => t.services.applications.approve(systemActor, app.id, {})))[0]).toBe(4);
      // BEGIN; the lock, the application, its stock and the new id; every write; COMMIT.
      const [issueTrips, issued] = await tripsOf(() => t.services.issuance.issue(systemActor, app.id));
      expect(issueTrips).toBe(4);
      // BEGIN; the lock with the unit; the checks, the new id, the rows the parking moves need and the
      // review card's reads; every write with the card; COMMIT.
      const run = issued.ranges[0];
      const cutoffDate = new Date(t.clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
      const [reportTrips, report] = await tripsOf(() =>
        t.services.writeoffs.create(systemActor, {
          unitCode: unit.code,
          billTypeCode: bt.code,
          cutoffDate,
          amount: 100,
          used: [{ batchCode: run.batchCode, startNo: run.startNo, endNo: run.startNo + 39 }],
          voided: [{ batchCode: run.batchCode, startNo: run.startNo + 40, endNo: run.startNo + 40 }],
          lost: [],
        }),
      );
      expect(reportTrips).toBe(5);
      // BEGIN; the lock with the document, its lines and the stock around them; every write; COMMIT.
      const [approveTrips] = await tripsOf(() => t.services.writeoffs.approve(systemActor, report.id, { result: '合格' }));
      expect(approveTrips).toBe(4);
      await expectInvariantsOk(t.ds);
    },
  );
});
