import { In } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillType } from '../../src/domain/catalog/bill-type.entity';
import { UnitNameKey } from '../../src/domain/catalog/unit-name-key.entity';
import { Unit } from '../../src/domain/catalog/unit.entity';
import { fixedClock } from '../../src/domain/clock';
import { ConflictError } from '../../src/domain/errors';
import { systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import { seedBillType } from '../helpers/ledger-fixtures';
import { openTestDb } from '../helpers/test-db';
import { systemOver } from '../helpers/test-app';

const clock = fixedClock('2026-03-02T02:00:00Z');

/** Every settled result that was refused, with the refusal. */
const refusals = (results: PromiseSettledResult<unknown>[]): unknown[] =>
  results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));

/** Exactly one creation went through; every other got the check's own 409 DUPLICATE with `message`. */
function expectOneStored(results: PromiseSettledResult<unknown>[], message: string): void {
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const refused = refusals(results);
  expect(refused).toHaveLength(results.length - 1);
  for (const err of refused) {
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ reason: 'DUPLICATE', message });
  }
}

// Both pass the service's "is the code free" check before either has committed; the unique index
// decides, and the loser must get the check's own 409, not a 500.
describe('two creations of one code at the same moment', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let s: DomainServices;

  beforeAll(async () => {
    db = await openTestDb();
    s = (await systemOver(db.ds, clock)).services;
  });
  afterAll(async () => db?.close());

  it('when five operators create a unit under one code at once, then one unit is stored and the others get 单位编码 … 已存在', async () => {
    const names = ['市一中', '市二中', '市三中', '市四中', '市五中'];
    const results = await Promise.allSettled(
      names.map((name) => s.catalog.createUnit(systemActor, { code: 'R1', name, aliases: [], onboardingStatus: 'online' })),
    );
    expectOneStored(results, '单位编码 R1 已存在');
    const stored = await db.ds.getRepository(Unit).findBy({ code: 'R1' });
    expect(stored).toHaveLength(1);
    // Only the stored unit's name is held: the refused ones left no key behind.
    const keys = await db.ds.getRepository(UnitNameKey).findBy({ key: In(names) });
    expect(keys.map((k) => [k.key, k.unitId])).toEqual([[stored[0].name, stored[0].id]]);
  });

  it('when two bill types are created under one code at once, then one is stored and the other gets 票据种类编码 … 已存在', async () => {
    const results = await Promise.allSettled(
      ['竞争票据甲', '竞争票据乙'].map((name) =>
        s.catalog.createBillType(systemActor, {
          code: 'RB01',
          name,
          category: 'nontax',
          aliases: [],
          copies: 3,
          retentionYears: 5,
          electronic: false,
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(refusals(results)).toEqual([expect.objectContaining({ reason: 'DUPLICATE', message: '票据种类编码 RB01 已存在' })]);
    expect(await db.ds.getRepository(BillType).countBy({ code: 'RB01' })).toBe(1);
  });

  it('when four bill types are created under one name at once, then one is stored and the others get 票据名称「…」已存在', async () => {
    const before = await db.ds.getRepository(BillType).count();
    const results = await Promise.allSettled(
      ['RN01', 'RN02', 'RN03', 'RN04'].map((code) => seedBillType(s, { code, name: '同名竞争票据' })),
    );
    expectOneStored(results, '票据名称「同名竞争票据」已存在');
    expect(await db.ds.getRepository(BillType).countBy({ name: '同名竞争票据' })).toBe(1);
    expect(await db.ds.getRepository(BillType).count()).toBe(before + 1);
  });
});
