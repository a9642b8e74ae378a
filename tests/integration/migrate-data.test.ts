import { cellText } from '../../src/domain/common/raw-rows';
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateData } from '../../src/cli/migrate-data';
import { fixedClock } from '../../src/domain/clock';
import { rowCounts } from '../../src/domain/db/copy-data';
import { openDatabase } from '../../src/domain/db/data-source';
import { systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import { systemOver } from '../helpers/test-app';
import { issueToUnit, ledgerScenario, ledgerSnapshot, receive, seedUnit, setCap } from '../helpers/ledger-fixtures';

const PG_URL = process.env.TEST_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'fbd-migrate-'));
const url = (name: string) => `sqlite:${join(dir, `${name}.sqlite`)}`;
const clock = fixedClock('2026-03-02T02:00:00Z');
const quiet = () => undefined;

let src: DataSource;
let services: DomainServices;
let unitCode: string;
let writeoffId: number;
let returnedId: number;

/** What a reader sees: stock of the unit and the warehouse, and one write-off with lines and opinions. */
async function answers(ds: DataSource) {
  const s = (await systemOver(ds, clock)).services;
  return {
    unit: await s.stock.stock(systemActor, { unitCode }),
    bureau: await s.stock.stock(systemActor, { holder: 'bureau' }),
    writeoff: await s.writeoffs.get(systemActor, writeoffId),
    returned: await s.writeoffs.get(systemActor, returnedId),
    users: await s.users.list(systemActor, { page: 1, pageSize: 50 }),
    // Ids must survive the copy (documents, lines and journal rows refer to them); these tables have gaps.
    caps: await ds.query('SELECT "id", "unitId", "billTypeId", "maxQuantity" FROM "application_cap" ORDER BY "id"'),
    // The unique names of units (unit_name) travel with them, under the same unit ids.
    unitNames: (await ds.query('SELECT "id", "unitId", "key" FROM "unit_name" ORDER BY "id"')).map((r: Record<string, unknown>) =>
      [r.id, r.unitId, r.key].map(cellText).join(':'),
    ),
    ranges: (await ds.query('SELECT "id", "batchCode", "startNo", "state" FROM "stock_range" ORDER BY "id"')).map(
      (r: Record<string, unknown>) => [r.id, r.batchCode, r.startNo, r.state].map(cellText).join(':'),
    ),
  };
}

async function withDb<T>(dbUrl: string, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await openDatabase(dbUrl);
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

const maxId = async (ds: DataSource, table: string) => Number((await ds.query(`SELECT MAX("id") AS "m" FROM "${table}"`))[0].m);

describe('migrate-data', () => {
  beforeAll(async () => {
    src = await openDatabase(url('source'));
    services = (await systemOver(src, clock)).services;
    const { billType, unit, batchCode } = await ledgerScenario(services, { count: 5000 });
    unitCode = unit.code;
    await services.users.create(systemActor, {
      username: 'unit.staff',
      name: '王芳',
      role: 'unit_staff',
      unitCode,
      wecomUserId: 'wangfang',
      password: 'Secret123',
    });
    await issueToUnit(services, { unitCode, billTypeCode: billType.code, quantity: 800 });
    clock.advance(86_400_000);
    const wo = await services.writeoffs.create(systemActor, {
      unitCode,
      billTypeCode: billType.code,
      cutoffDate: '2026-03-02',
      amount: 12345.67,
      used: [{ batchCode, startNo: 1, endNo: 300 }],
      voided: [{ batchCode, startNo: 301, endNo: 301 }],
      lost: [],
    });
    await services.writeoffs.approve(systemActor, wo.id, { result: '良好', opinion: '同意' });
    writeoffId = wo.id;
    const bad = await services.writeoffs.create(systemActor, {
      unitCode,
      billTypeCode: billType.code,
      amount: 1,
      used: [{ batchCode, startNo: 302, endNo: 310 }],
      voided: [],
      lost: [],
    });
    await services.writeoffs.reject(systemActor, bad.id, { opinion: '开票金额与缴库金额不一致，请核对后重新上报' });
    returnedId = bad.id;
    await seedUnit(services);
    // Leave a hole in the ids: a copy that renumbers rows would no longer match.
    await setCap(services, unitCode, billType.code, 500);
    await setCap(services, unitCode, billType.code, null);
    await setCap(services, unitCode, billType.code, 900);
  });
  afterAll(async () => {
    await src.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a SQLite file is migrated to another SQLite file, then row counts, stock and documents read identically', async () => {
    const log: string[] = [];
    await migrateData({ from: url('source'), to: url('copy'), force: false, log: (s) => log.push(s) });
    expect(log.at(-1)).toMatch(/counts match; ledger invariants ok/);
    const expected = await answers(src);
    await withDb(url('copy'), async (dst) => {
      expect(await rowCounts(dst)).toEqual(await rowCounts(src));
      expect((await rowCounts(dst)).get('journal_entry')).toBeGreaterThan(3);
      expect(await ledgerSnapshot(dst)).toEqual(await ledgerSnapshot(src));
      expect(await answers(dst)).toEqual(expected);
      expect(expected.writeoff.counts).toMatchObject({ used: 300, voided: 1 });
    });
  });

  it('when the target is not empty, then it is refused without --force and nothing changes; with --force it is replaced', async () => {
    await withDb(url('busy'), async (ds) => {
      await seedUnit((await systemOver(ds, clock)).services);
    });
    const before = await withDb(url('busy'), async (ds) => ({ counts: await rowCounts(ds), snap: await ledgerSnapshot(ds) }));
    await expect(migrateData({ from: url('source'), to: url('busy'), force: false, log: quiet })).rejects.toThrow(/not empty \(.*unit: 1/);
    await withDb(url('busy'), async (ds) => {
      expect(await rowCounts(ds)).toEqual(before.counts);
      expect(await ledgerSnapshot(ds)).toEqual(before.snap);
    });
    await migrateData({ from: url('source'), to: url('busy'), force: true, log: quiet });
    await withDb(url('busy'), async (ds) => expect(await answers(ds)).toEqual(await answers(src)));
  });

  describe.skipIf(!PG_URL)('through PostgreSQL', () => {
    const dbName = `fbd_mig_${randomBytes(5).toString('hex')}`;
    const pgUrl = (PG_URL ?? '').replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);
    let admin: DataSource;
    beforeAll(async () => {
      admin = new DataSource({ type: 'postgres', url: PG_URL });
      await admin.initialize();
      await admin.query(`CREATE DATABASE "${dbName}"`);
    });
    afterAll(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.destroy();
    });

    it('when SQLite is migrated to a fresh PostgreSQL database and back, then everything reads the same and new rows get fresh ids', async () => {
      await migrateData({ from: url('source'), to: pgUrl, force: false, log: quiet });
      const expected = await answers(src);
      await withDb(pgUrl, async (pg) => {
        expect(await rowCounts(pg)).toEqual(await rowCounts(src));
        expect(await ledgerSnapshot(pg)).toEqual(await ledgerSnapshot(src));
        expect(await answers(pg)).toEqual(expected);
        // The sequences were moved past the copied ids: new rows get fresh ids, no duplicate-key error.
        const maxima = { unit: await maxId(pg, 'unit'), journal: await maxId(pg, 'journal_entry'), doc: await maxId(pg, 'bill_document') };
        const s = (await systemOver(pg, clock)).services;
        const unit = await seedUnit(s);
        expect(unit.id).toBeGreaterThan(maxima.unit);
        // The copied names are still taken on the target.
        const copied = await s.catalog.getUnit(systemActor, unitCode);
        await expect(seedUnit(s, { name: copied.name })).rejects.toMatchObject({ reason: 'DUPLICATE' });
        const bt = (await s.catalog.listBillTypes())[0];
        await receive(s, { billTypeCode: bt.code, batchCode: '99000001', startNo: 1, endNo: 100 });
        const issued = await issueToUnit(s, { unitCode: unit.code, billTypeCode: bt.code, quantity: 10 });
        expect(issued.issuanceId).toBeGreaterThan(maxima.doc);
        expect(await maxId(pg, 'journal_entry')).toBeGreaterThan(maxima.journal);
      });
      await migrateData({ from: pgUrl, to: url('back'), force: false, log: quiet });
      await withDb(pgUrl, async (pg) => {
        const fromPg = await answers(pg);
        await withDb(url('back'), async (back) => {
          expect(await rowCounts(back)).toEqual(await rowCounts(pg));
          expect(await ledgerSnapshot(back)).toEqual(await ledgerSnapshot(pg));
          expect(await answers(back)).toEqual(fromPg);
        });
      });
    });

    it('when the PostgreSQL target is not empty, then it is refused without --force and replaced with it', async () => {
      const before = await withDb(pgUrl, async (pg) => ({ counts: await rowCounts(pg), snap: await ledgerSnapshot(pg) }));
      await expect(migrateData({ from: url('source'), to: pgUrl, force: false, log: quiet })).rejects.toThrow(/not empty/);
      await withDb(pgUrl, async (pg) => {
        expect(await rowCounts(pg)).toEqual(before.counts);
        expect(await ledgerSnapshot(pg)).toEqual(before.snap);
      });
      await migrateData({ from: url('source'), to: pgUrl, force: true, log: quiet });
      await withDb(pgUrl, async (pg) => {
        expect(await rowCounts(pg)).toEqual(await rowCounts(src));
        expect(await answers(pg)).toEqual(await answers(src));
      });
    });
  });
});
