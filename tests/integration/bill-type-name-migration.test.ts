import { afterAll, describe, expect, it } from 'vitest';
import { BillType } from '../../src/domain/catalog/bill-type.entity';
import { fixedClock } from '../../src/domain/clock';
import { BillTypeNameUnique1796582077238 } from '../../src/domain/db/migrations/1796582077238-BillTypeNameUnique';
import { seedBillType } from '../helpers/ledger-fixtures';
import { olderDatabase } from '../helpers/older-database';
import { systemOver } from '../helpers/test-app';

const clock = fixedClock('2026-03-02T02:00:00Z');

/** A bill_type row as the older service stored it. */
const stored = (code: string, name: string) => ({
  code,
  name,
  category: 'nontax' as const,
  aliases: [],
  copies: 3,
  retentionYears: 5,
  electronic: false,
  active: true,
  createdAt: new Date(),
});

describe('the BillTypeNameUnique migration', () => {
  const db = olderDatabase(BillTypeNameUnique1796582077238);
  afterAll(() => db.drop());

  it('when an older database has bill types sharing a name, then the oldest keeps it, the others are named with their codes, and the name is unique from then on', async () => {
    const old = await db.older();
    const rows = [
      ['NT01', '非税收入一般缴款书'],
      ['NT02', '非税收入一般缴款书'],
      ['MD01', '医疗收费票据'],
      ['LONGCODE16CHARSX', '名'.repeat(64)],
      ['NT03', '非税收入一般缴款书'],
      ['LONGCODE16CHARSY', '名'.repeat(64)],
    ] as const;
    for (const [code, name] of rows) await old.getRepository(BillType).insert(stored(code, name));
    await old.destroy();

    const ds = await db.current();
    expect(await ds.showMigrations()).toBe(false);
    const names = Object.fromEntries((await ds.getRepository(BillType).find()).map((b) => [b.code, b.name]));
    expect(names).toEqual({
      NT01: '非税收入一般缴款书',
      NT02: '非税收入一般缴款书（NT02）',
      MD01: '医疗收费票据',
      LONGCODE16CHARSX: '名'.repeat(64),
      NT03: '非税收入一般缴款书（NT03）',
      LONGCODE16CHARSY: `${'名'.repeat(46)}（LONGCODE16CHARSY）`,
    });
    expect(names.LONGCODE16CHARSY).toHaveLength(64);

    // The index holds the rule even where a check is skipped; the service names the clash.
    await expect(ds.getRepository(BillType).insert(stored('MD02', '医疗收费票据'))).rejects.toThrow();
    const s = (await systemOver(ds, clock)).services;
    await expect(seedBillType(s, { code: 'MD03', name: '医疗收费票据' })).rejects.toMatchObject({
      reason: 'DUPLICATE',
      message: '票据名称「医疗收费票据」已存在',
    });
    expect(await ds.getRepository(BillType).count()).toBe(6);
  });
});
