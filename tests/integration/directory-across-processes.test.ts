import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { DIRECTORY_CHECK_MS } from '../../src/domain/catalog/directory';
import { systemActor } from '../../src/domain/identity/actor';
import { makeLogger } from '../../src/logger';
import { buildSystem, type System } from '../../src/system';
import { testConfig } from '../helpers/test-app';
import { twoConnections } from '../helpers/two-connections';

describe('the bot directory cache across processes', () => {
  let db: Awaited<ReturnType<typeof twoConnections>>;
  let one: System;
  let other: System;
  const clockOne = fixedClock('2026-03-02T02:00:00Z');
  const clockOther = fixedClock('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    db = await twoConnections();
    const config = testConfig();
    one = await buildSystem(config, makeLogger('silent'), { clock: clockOne, database: db.a });
    other = await buildSystem(config, makeLogger('silent'), { clock: clockOther, database: db.b });
    await one.services.catalog.createBillType(systemActor, {
      code: 'YL01',
      name: '医疗收费票据',
      category: 'other',
      aliases: ['医疗票'],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    } as never);
  });
  afterAll(async () => {
    await one?.close();
    await other?.close();
    await db?.close();
  });

  it('when another process adds a unit, then this process knows it at the first read a second later', async () => {
    expect((await one.services.directory.units()).map((u) => u.code)).not.toContain('H7');
    await other.services.catalog.createUnit(systemActor, { code: 'H7', name: '市七医院', onboardingStatus: 'online' });
    // The process that made the change sees it at once; the other within DIRECTORY_CHECK_MS.
    expect((await other.services.directory.units()).map((u) => u.code)).toContain('H7');
    clockOne.advance(DIRECTORY_CHECK_MS);
    expect((await one.services.directory.units()).map((u) => u.code)).toContain('H7');
  });

  it('when another process renames a unit, then this process shows the new name a second later', async () => {
    const h7 = async () => (await one.services.directory.units()).find((u) => u.code === 'H7');
    expect((await h7())?.name).toBe('市七医院');
    await other.services.catalog.updateUnit(systemActor, 'H7', { name: '市第七人民医院' });
    clockOne.advance(DIRECTORY_CHECK_MS);
    expect((await h7())?.name).toBe('市第七人民医院');
  });

  it('when another process adds a bill type, then this process lists it a second later, and nothing changes without a change', async () => {
    const codes = async () => (await one.services.directory.billTypes()).map((b) => b.code);
    expect(await codes()).toEqual(['YL01']);
    clockOne.advance(DIRECTORY_CHECK_MS);
    expect(await codes()).toEqual(['YL01']);
    await other.services.catalog.createBillType(systemActor, {
      code: 'FS01',
      name: '非税收入一般缴款书',
      category: 'nontax',
      aliases: [],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    } as never);
    clockOne.advance(DIRECTORY_CHECK_MS);
    expect((await codes()).sort()).toEqual(['FS01', 'YL01']);
  });
});
