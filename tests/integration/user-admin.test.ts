import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import { User } from '../../src/domain/identity/user.entity';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app';

// 系统管理: deactivate, change role or unit, reset a password, unlock; every change audited and searchable.
describe('system management (users)', () => {
  let t: TestApp;
  const userId = async (username: string) => (await t.ds.getRepository(User).findOneByOrFail({ username })).id;
  const patch = (id: number, body: unknown, token = t.adminToken) => t.call('PATCH', `/api/v1/users/${id}`, { token, body });
  const snapshot = async () => ({
    users: (await t.ds.getRepository(User).find({ order: { id: 'ASC' } })).map((u) => JSON.stringify(u)),
    audit: await t.ds.getRepository(AuditEntry).count(),
  });

  beforeAll(async () => {
    t = await startTestApp();
    await t.call('POST', '/api/v1/units', { token: t.adminToken, body: { code: 'U1', name: '市第一中学' } });
    await t.call('POST', '/api/v1/units', { token: t.adminToken, body: { code: 'U2', name: '市第二中学' } });
  });
  afterAll(() => t?.close());

  it('when a role or the active flag changes, then the user’s existing tokens stop working at once and the change is audited before → after', async () => {
    const token = await t.userToken('operator', { username: 'op.role' });
    const id = await userId('op.role');
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(200);
    const r = await patch(id, { role: 'engineer', name: '王工' });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ role: 'engineer', name: '王工' });
    expect((await t.call('GET', '/api/v1/me', { token })).body.error.reason).toBe('TOKEN_INVALID');
    const fresh = await t.login('op.role', 'Passw0rd123');
    expect((await t.call('GET', '/api/v1/me', { token: fresh })).body.user.role).toBe('engineer');
    expect((await patch(id, { active: false })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { token: fresh })).status).toBe(401);
    const trail = await t.call('GET', `/api/v1/audit?entityType=user&entityId=${id}&action=user.update`, { token: t.adminToken });
    expect(trail.body.items[1]).toMatchObject({
      actorName: ADMIN.username,
      before: { role: 'operator' },
      after: { role: 'engineer', name: '王工' },
    });
    expect(trail.body.items[0]).toMatchObject({ before: { active: true }, after: { active: false } });
  });

  it('when unit staff move to another unit, then they see that unit only; a unit is required for unit staff and refused for others', async () => {
    const token = await t.userToken('unit_staff', { username: 'staff.move', unitCode: 'U1' });
    const id = await userId('staff.move');
    expect((await patch(id, { unitCode: 'U2' })).body.unitCode).toBe('U2');
    expect((await t.call('GET', '/api/v1/me', { token })).status).toBe(401);
    const again = await t.login('staff.move', 'Passw0rd123');
    expect((await t.call('GET', '/api/v1/units/U1', { token: again })).status).toBe(403);
    expect((await t.call('GET', '/api/v1/units/U2', { token: again })).status).toBe(200);
    const before = await snapshot();
    expect((await patch(id, { unitCode: null })).status).toBe(400);
    expect((await patch(await userId(ADMIN.username), { unitCode: 'U1' })).status).toBe(400);
    expect((await patch(id, { unitCode: 'NOPE' })).status).toBe(404);
    expect((await patch(id, {})).status).toBe(400);
    expect((await patch(999999, { name: 'x' })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('when the last active admin would be deactivated or demoted, then 409 LAST_ADMIN and nothing changes', async () => {
    const id = await userId(ADMIN.username);
    const before = await snapshot();
    for (const body of [{ active: false }, { role: 'operator' }]) {
      const r = await patch(id, body);
      expect(r.status).toBe(409);
      expect(r.body.error.reason).toBe('LAST_ADMIN');
    }
    expect(await snapshot()).toEqual(before);
    await t.userToken('admin', { username: 'admin.two' });
    expect((await patch(await userId('admin.two'), { role: 'leader' })).status).toBe(200);
  });

  it('when an admin resets a password, then the temporary one works only to set a new one, which ends every other session', async () => {
    const old = await t.userToken('leader', { username: 'ld.reset' });
    const id = await userId('ld.reset');
    const reset = await t.call('POST', `/api/v1/users/${id}/reset-password`, { token: t.adminToken });
    expect(reset.status).toBe(200);
    const temp = reset.body.temporaryPassword as string;
    expect(temp).toMatch(/^[A-Za-z0-9]{12}$/);
    expect((await t.call('GET', '/api/v1/me', { token: old })).status).toBe(401);
    const signIn = await t.call('POST', '/api/v1/auth/login', { body: { username: 'ld.reset', password: temp } });
    expect(signIn.body.mustChangePassword).toBe(true);
    const tempToken = signIn.body.token as string;
    expect((await t.call('GET', '/api/v1/me', { token: tempToken })).body.mustChangePassword).toBe(true);
    const blocked = await t.call('GET', '/api/v1/summaries', { token: tempToken });
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.reason).toBe('PASSWORD_CHANGE_REQUIRED');
    const weak = await t.call('POST', '/api/v1/auth/change-password', {
      token: tempToken,
      body: { oldPassword: temp, newPassword: 'password123' },
    });
    expect(weak.status).toBe(400);
    const changed = await t.call('POST', '/api/v1/auth/change-password', {
      token: tempToken,
      body: { oldPassword: temp, newPassword: 'Huanxin-2026-mima' },
    });
    expect(changed.status, changed.text).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { token: tempToken })).status).toBe(401);
    expect((await t.call('GET', '/api/v1/summaries', { token: changed.body.token })).status).toBe(200);
    expect((await t.call('POST', '/api/v1/auth/login', { body: { username: 'ld.reset', password: temp } })).status).toBe(401);
    const audit = await t.ds.getRepository(AuditEntry).find({ where: { entityType: 'user', entityId: String(id) } });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['user.reset-password', 'user.change-password']));
    expect(JSON.stringify(audit)).not.toContain(temp);
  });

  it('when an admin unlocks a locked account, then the right password works again at once', async () => {
    await t.userToken('engineer', { username: 'eng.locked' });
    for (let i = 0; i < 5; i++)
      await t.call('POST', '/api/v1/auth/login', { body: { username: 'eng.locked', password: `Wrong-guess-${i}` } });
    expect((await t.call('POST', '/api/v1/auth/login', { body: { username: 'eng.locked', password: 'Passw0rd123' } })).status).toBe(401);
    const list = await t.call('GET', '/api/v1/users?role=engineer', { token: t.adminToken });
    expect(list.body.items.find((u: { username: string }) => u.username === 'eng.locked').lockedUntil).toEqual(expect.any(String));
    const r = await t.call('POST', `/api/v1/users/${await userId('eng.locked')}/unlock`, { token: t.adminToken });
    expect(r.body.lockedUntil).toBeNull();
    expect((await t.call('POST', '/api/v1/auth/login', { body: { username: 'eng.locked', password: 'Passw0rd123' } })).status).toBe(200);
  });

  it('when a password is common, short, simple or contains the username, then 400 with the reason and no user is stored', async () => {
    const before = await snapshot();
    for (const [username, password, reason] of [
      ['pw.a', 'password1', /至少 10 位|常见/],
      ['pw.b', 'qwerty123', /至少 10 位|常见/],
      ['pw.c', 'a1a1a1a1', /至少 10 位/],
      ['pw.d', 'a1a1a1a1a1a1', /过于简单/],
      ['pw.e', 'password123', /常见/],
      ['wangfang', 'wangfang1', /至少 10 位|用户名/],
      ['wangfang', 'Wangfang2026', /用户名/],
    ] as const) {
      const r = await t.call('POST', '/api/v1/users', { token: t.adminToken, body: { username, name: '测试', role: 'leader', password } });
      expect(r.status, password).toBe(400);
      expect(r.body.error.message).toMatch(reason);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('when unit staff or an operator try system management, then 403 and nothing changes', async () => {
    const op = await t.userToken('operator', { username: 'op.nosys' });
    const id = await userId(ADMIN.username);
    const before = await snapshot();
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/users/${id}`, { name: 'x' }],
      ['POST', `/api/v1/users/${id}/reset-password`, undefined],
      ['POST', `/api/v1/users/${id}/unlock`, undefined],
      ['GET', '/api/v1/audit', undefined],
    ] as const) {
      expect((await t.call(method, path, { token: op, body })).status, path).toBe(403);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('when the audit trail is searched by user, entity and period, then only matching rows come back, newest first', async () => {
    const adminId = await userId(ADMIN.username);
    const day = t.clock.now().toISOString().slice(0, 10);
    const mine = await t.call('GET', `/api/v1/audit?userId=${adminId}&entityType=unit&from=${day}&to=${day}`, { token: t.adminToken });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((a: { action: string }) => a.action)).toEqual(['unit.create', 'unit.create']);
    const none = await t.call('GET', `/api/v1/audit?userId=${adminId}&from=2020-01-01&to=2020-01-31`, { token: t.adminToken });
    expect(none.body).toMatchObject({ items: [], total: 0 });
    expect((await t.call('GET', '/api/v1/audit?from=2026-02-30', { token: t.adminToken })).status).toBe(400);
  });
});
