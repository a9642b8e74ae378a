import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { systemActor } from '../../src/domain/identity/actor';
import { CHANGE_CHECK_MS } from '../../src/domain/settings/change-watch';
import { makeLogger } from '../../src/logger';
import { buildSystem, type System } from '../../src/system';
import { onStatement } from '../../bench/ledger/measure';
import { testConfig } from '../helpers/test-app';
import { twoConnections } from '../helpers/two-connections';

/**
 * Sessions are served from memory (session-cache.ts): an account change made in one process ends
 * the sessions there at once, and in every other process within CHANGE_CHECK_MS.
 */
describe('cached sessions across processes', () => {
  let db: Awaited<ReturnType<typeof twoConnections>>;
  let one: System;
  let other: System;
  const clockOne = fixedClock('2026-03-02T02:00:00Z');
  const clockOther = fixedClock('2026-03-02T02:00:00Z');
  let staffId: number;
  /** Statements reading accounts or the version rows: what a session costs (background work aside). */
  const sessionReads = { n: 0 };

  beforeAll(async () => {
    db = await twoConnections();
    const config = testConfig();
    one = await buildSystem(config, makeLogger('silent'), { clock: clockOne, database: db.a });
    other = await buildSystem(config, makeLogger('silent'), { clock: clockOther, database: db.b });
    await one.services.catalog.createUnit(systemActor, { code: 'H1', name: '市第一人民医院', onboardingStatus: 'online' });
    await one.services.catalog.createUnit(systemActor, { code: 'H2', name: '市第二人民医院', onboardingStatus: 'online' });
    const staff = await one.services.users.create(systemActor, {
      username: 'h1.clerk',
      name: '王会计',
      role: 'unit_staff',
      unitCode: 'H1',
      password: 'Clerk12345',
    });
    staffId = staff.id;
    onStatement(db.a, (sql) => {
      if (/"app_user"|"app_setting"/.test(sql)) sessionReads.n++;
    });
  });
  afterAll(async () => {
    await one?.close();
    await other?.close();
    await db?.close();
  });

  it('when a session is asked for again, then the account is not read again', async () => {
    const first = await one.services.users.sessionFor(staffId, 0);
    expect(first.actor).toMatchObject({ userId: staffId, role: 'unit_staff', unitCode: 'H1' });
    const before = sessionReads.n;
    for (let i = 0; i < 5; i++) expect((await one.services.users.sessionFor(staffId, 0)).actor.unitCode).toBe('H1');
    expect(sessionReads.n - before).toBe(0);
  });

  it('when the account is moved to another unit here, then the next request here speaks for the new unit with a new token only', async () => {
    await one.services.userAdmin.update(systemActor, staffId, { unitCode: 'H2' });
    await expect(one.services.users.sessionFor(staffId, 0)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    expect((await one.services.users.sessionFor(staffId, 1)).actor.unitCode).toBe('H2');
  });

  it('when another process resets the password, then this process refuses the old token within a second', async () => {
    expect((await other.services.users.sessionFor(staffId, 1)).actor.userId).toBe(staffId);
    await one.services.userAdmin.resetPassword(systemActor, staffId);
    // Where the change was made: at once.
    await expect(one.services.users.sessionFor(staffId, 1)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    // Elsewhere: at the first request once the version row is due to be read again.
    clockOther.advance(CHANGE_CHECK_MS);
    await expect(other.services.users.sessionFor(staffId, 1)).rejects.toMatchObject({ reason: 'TOKEN_INVALID' });
    const renewed = await other.services.users.sessionFor(staffId, 2);
    expect(renewed).toMatchObject({ mustChangePassword: true, actor: { unitCode: 'H2' } });
  });

  it('when another process deactivates the account, then this process refuses it within a second', async () => {
    expect((await one.services.users.sessionFor(staffId, 2)).actor.userId).toBe(staffId);
    await other.services.userAdmin.update(systemActor, staffId, { active: false });
    clockOne.advance(CHANGE_CHECK_MS);
    await expect(one.services.users.sessionFor(staffId, 2)).rejects.toMatchObject({ reason: 'ACCOUNT_INACTIVE' });
    await expect(one.services.users.sessionFor(staffId, 3)).rejects.toMatchObject({ reason: 'ACCOUNT_INACTIVE' });
  });

  it('when no account changes, then a process reads only the version row, once a second', async () => {
    const admin = await one.services.users.create(systemActor, {
      username: 'ops.admin',
      name: '李科长',
      role: 'admin',
      password: 'Admin12345',
    });
    await one.services.users.sessionFor(admin.id, 0);
    const before = sessionReads.n;
    clockOne.advance(CHANGE_CHECK_MS);
    for (let i = 0; i < 3; i++) await one.services.users.sessionFor(admin.id, 0);
    expect(sessionReads.n - before).toBe(1);
  });
});
