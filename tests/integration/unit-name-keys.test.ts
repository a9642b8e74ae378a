import { type DataSource, In } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitNameKey } from '../../src/domain/catalog/unit-name-key.entity';
import { Unit } from '../../src/domain/catalog/unit.entity';
import { fixedClock } from '../../src/domain/clock';
import { UnitNameKeys1796505715516 } from '../../src/domain/db/migrations/1796505715516-UnitNameKeys';
import { ConflictError } from '../../src/domain/errors';
import { systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import { olderDatabase } from '../helpers/older-database';
import { openTestDb } from '../helpers/test-db';
import { systemOver } from '../helpers/test-app';

const clock = fixedClock('2026-03-02T02:00:00Z');

/** Every unit's stored keys by unit code, sorted: what unit_name holds. */
async function keysByUnit(ds: DataSource): Promise<Record<string, string[]>> {
  const units = await ds.getRepository(Unit).find();
  const rows = await ds.getRepository(UnitNameKey).find();
  return Object.fromEntries(
    units.map((u) => [
      u.code,
      rows
        .filter((r) => r.unitId === u.id)
        .map((r) => r.key)
        .sort(),
    ]),
  );
}

/** The units and their keys, to show a refused change left both as they were. */
async function snapshot(ds: DataSource) {
  const units = await ds.getRepository(Unit).find({ order: { id: 'ASC' } });
  return { units: units.map((u) => [u.code, u.name, u.aliases]), keys: await keysByUnit(ds) };
}

describe('unit names stored under unique keys (unit_name)', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  let s: DomainServices;
  const create = (code: string, name: string, aliases: string[] = []) =>
    s.catalog.createUnit(systemActor, { code, name, aliases, onboardingStatus: 'online' });

  beforeAll(async () => {
    db = await openTestDb();
    s = (await systemOver(db.ds, clock)).services;
    await create('A1', '市第二中学', ['二中', '二 中', 'ＥＺ', 'ez']);
    await create('B1', '市ICU培训中心', ['ICU中心']);
  });
  afterAll(async () => db?.close());

  it('when units are created, then unit_name holds each one’s names normalised, each once', async () => {
    expect(await keysByUnit(db.ds)).toEqual({ A1: ['ez', '二中', '市第二中学'], B1: ['icu中心', '市icu培训中心'] });
  });

  it.each([
    ['its full name', 'C1', '市第二中学', [], '「市第二中学」已被 市第二中学（A1）使用'],
    ['its short name', 'C2', '新单位甲', ['二中'], '「二中」已被 市第二中学（A1）使用'],
    ['its full name with spaces', 'C3', '市 第二 中学', [], '「市 第二 中学」已被 市第二中学（A1）使用'],
    ['its short name in full-width letters', 'C4', '新单位乙', ['ＩＣＵ中心'], '「ＩＣＵ中心」已被 市ICU培训中心（B1）使用'],
    ['its full name in another case', 'C5', '市icu培训中心', [], '「市icu培训中心」已被 市ICU培训中心（B1）使用'],
  ])(
    'when a new unit takes another unit’s name (%s), then it is refused with 409 DUPLICATE and nothing changes',
    async (_what, code, name, aliases, message) => {
      const before = await snapshot(db.ds);
      const err = await create(code, name, aliases).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(err).toMatchObject({ reason: 'DUPLICATE', message: `名称或简称${message}` });
      expect(await snapshot(db.ds)).toEqual(before);
    },
  );

  it('when a unit is renamed to another unit’s name or short name, then it is refused and nothing changes', async () => {
    const before = await snapshot(db.ds);
    await expect(s.catalog.updateUnit(systemActor, 'B1', { name: '市第二 中学' })).rejects.toMatchObject({
      reason: 'DUPLICATE',
      message: '名称或简称「市第二 中学」已被 市第二中学（A1）使用',
    });
    await expect(s.catalog.updateUnit(systemActor, 'B1', { aliases: ['ICU中心', 'EZ'] })).rejects.toMatchObject({
      reason: 'DUPLICATE',
      message: '名称或简称「EZ」已被 市第二中学（A1）使用',
    });
    expect(await snapshot(db.ds)).toEqual(before);
  });

  it('when a unit keeps its own names in another spelling, then it is not refused', async () => {
    const u = await s.catalog.updateUnit(systemActor, 'B1', { name: '市 ICU 培训中心', aliases: ['icu中心'] });
    expect(u.name).toBe('市 ICU 培训中心');
    expect((await keysByUnit(db.ds)).B1).toEqual(['icu中心', '市icu培训中心']);
  });

  it('when a unit is renamed, then its old names are free for another unit and unit_name follows', async () => {
    await create('D1', '市图书馆', ['图书馆', '市图']);
    await s.catalog.updateUnit(systemActor, 'D1', { name: '市公共图书馆', aliases: ['公共图书馆'] });
    expect((await keysByUnit(db.ds)).D1).toEqual(['公共图书馆', '市公共图书馆']);
    await create('D2', '市图书馆', ['图书馆', '市图']);
    expect((await keysByUnit(db.ds)).D2).toEqual(['图书馆', '市图', '市图书馆']);
  });

  it('when a unit changes nothing about its names, then its keys stay as they are', async () => {
    const before = await db.ds.getRepository(UnitNameKey).find({ order: { id: 'ASC' } });
    await s.catalog.updateUnit(systemActor, 'A1', { onboardingStatus: 'trial', contactName: '李老师' });
    expect(await db.ds.getRepository(UnitNameKey).find({ order: { id: 'ASC' } })).toEqual(before);
  });

  it('when the unique index refuses a name the check did not see, then it is a 409 DUPLICATE and nothing is stored', async () => {
    // A key whose unit the check cannot find stands in for a name another process stored after the check.
    await db.ds.getRepository(UnitNameKey).insert({ unitId: 999_999, key: '市档案馆' });
    const before = await snapshot(db.ds);
    const err = await create('E1', '市 档案馆').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ reason: 'DUPLICATE', message: '名称或简称已被其他单位使用，请刷新后重试' });
    await expect(s.catalog.updateUnit(systemActor, 'D2', { aliases: ['档案馆', '市档案馆'] })).rejects.toMatchObject({
      reason: 'DUPLICATE',
    });
    expect(await snapshot(db.ds)).toEqual(before);
  });

  it('when several units are created at once under one name, then exactly one gets it and the others are refused', async () => {
    const spellings = ['市博物馆', '市 博物馆', '市博 物馆', '市博物馆 ', '市　博物馆', '市博物 馆'];
    const results = await Promise.allSettled(spellings.map((name, i) => create(`F${i}`, name)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(ConflictError);
      expect(r.reason).toMatchObject({ reason: 'DUPLICATE' });
    }
    expect(await db.ds.getRepository(UnitNameKey).countBy({ key: '市博物馆' })).toBe(1);
    const created = await db.ds.getRepository(Unit).findBy({ code: In(spellings.map((_n, i) => `F${i}`)) });
    expect(created).toHaveLength(1);
  });
});

describe('the UnitNameKeys migration', () => {
  const db = olderDatabase(UnitNameKeys1796505715516);
  afterAll(() => db.drop());

  it('when an older database is migrated, then its units’ names are stored, a name two units share stays with the older one and one too long is left out', async () => {
    // The schema as it was before unit_name, with units written as the old service allowed.
    const old = await db.older();
    const units = [
      ['U1', '市第一人民医院', ['一医', '市一院']],
      ['U2', '市第一 人民医院', ['一院']],
      ['U3', '市中医院', ['ＺＹＹ', '一医', 'zyy']],
      // NFKC spells ﷽ out in 18 letters: this name's key is too long to store.
      ['U4', '\uFDFA'.repeat(40), ['长名单位']],
    ] as const;
    for (const [code, name, aliases] of units)
      await old
        .getRepository(Unit)
        .insert({ code, name, aliases: [...aliases], onboardingStatus: 'online', active: true, createdAt: new Date() });
    await old.destroy();

    const ds = await db.current();
    expect(await ds.showMigrations()).toBe(false);
    expect(await keysByUnit(ds)).toEqual({
      U1: ['一医', '市一院', '市第一人民医院'],
      U2: ['一院'],
      U3: ['zyy', '市中医院'],
      U4: ['长名单位'],
    });
    // The rule holds from now on: the newer unit cannot be given the older one's name again.
    const s = (await systemOver(ds, clock)).services;
    await expect(s.catalog.updateUnit(systemActor, 'U3', { aliases: ['一医'] })).rejects.toMatchObject({
      reason: 'DUPLICATE',
      message: '名称或简称「一医」已被 市第一人民医院（U1）使用',
    });
  });
});
