import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from '../../src/domain/documents/lifecycle';
import { systemActor } from '../../src/domain/identity/actor';
import { StockRange } from '../../src/domain/ledger/stock-range.entity';
import { expectInvariantsOk, ledgerScenario, seedUnit } from '../helpers/ledger-fixtures';
import { onPostgres } from '../helpers/test-db';
import { startTestApp, type TestApp } from '../helpers/test-app';

if (!onPostgres) {
  // SQLite serialises every transaction in-process, so there is no race to test there.
  console.info('issuance-concurrency: skipped — set TEST_DATABASE_URL to a PostgreSQL database to run it');
}

describe.skipIf(!onPostgres)('concurrent issuance on PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('when 10 issues race for stock that covers only some of them, then no number is handed out twice, losers get 409 and the ledger holds', async () => {
    // 10 applications of 30 over 200 numbers in two batches (with a hole): at most 6 can be served.
    const s = await ledgerScenario(t.services, { count: 120, batchCode: '11000001' });
    const batch2 = '11000002';
    await t.services.receipts.receive(systemActor, {
      billTypeCode: s.billType.code,
      batchCode: batch2,
      startNo: 1001,
      endNo: 1080,
    });
    // Approval promises only stock that exists, so applications that over-promise date from before that check
    // (a migrated database) or lost their stock since: written directly, as such a database holds them.
    const apps: number[] = [];
    for (let i = 0; i < 10; i++) {
      const unit = await seedUnit(t.services);
      const app = await t.system.store.transaction((tx) =>
        createDocument(
          tx.documents,
          { docType: 'application', unitId: unit.id, billTypeId: s.billType.id, quantity: 30, createdBy: 1, createdAt: new Date() },
          'approved',
        ),
      );
      apps.push(app.id);
    }
    const results = await Promise.all(apps.map((id) => t.call('POST', `/api/v1/applications/${id}/issue`, { token: t.adminToken })));
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(ok.length).toBe(6);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body.error.message).toContain('库存不足');
    }
    const handed = new Set<string>();
    for (const r of ok) {
      expect(r.body.ranges.reduce((n: number, x: { count: number }) => n + x.count, 0)).toBe(30);
      for (const x of r.body.ranges as Array<{ batchCode: string; startNo: number; endNo: number }>) {
        for (let n = x.startNo; n <= x.endNo; n++) {
          const key = `${x.batchCode}:${n}`;
          expect(handed.has(key), `${key} handed out twice`).toBe(false);
          handed.add(key);
        }
      }
    }
    expect(handed.size).toBe(180);
    const bureauLeft = await t.ds.getRepository(StockRange).findBy({ billTypeId: s.billType.id, holder: 'bureau', state: 'IN_STOCK' });
    // Lowest first even under contention: what is left is the top of the second batch.
    expect(bureauLeft.map((r) => [r.batchCode, r.startNo, r.endNo])).toEqual([[batch2, 1061, 1080]]);
    await expectInvariantsOk(t.ds);
  });
});
