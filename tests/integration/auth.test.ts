import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import { User } from '../../src/domain/identity/user.entity';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app';

describe('auth and users', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('when the password is right, then a token and the user come back', async () => {
    const r = await t.call('POST', '/api/v1/auth/login', { body: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ username: 'admin', role: 'admin', unitCode: null });
    expect(typeof r.body.token).toBe('string');
  });

  it('when the password is wrong or the user unknown, then 401 with the same message', async () => {
    const a = await t.call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'nope' } });
    const b = await t.call('POST', '/api/v1/auth/login', { body: { username: 'ghost', password: 'nope' } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(a.body.error.message).toBe(b.body.error.message);
    expect(a.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('when a token is missing, forged or expired, then 401', async () => {
    expect((await t.call('GET', '/api/v1/users')).status).toBe(401);
    const forged = t.adminToken.slice(0, -4) + 'AAAA';
    expect((await t.call('GET', '/api/v1/users', { token: forged })).status).toBe(401);
    const token = await t.login(ADMIN.username, ADMIN.password);
    const pastExpiry = (t.system.config.TOKEN_TTL_S + 1) * 1000;
    t.clock.advance(pastExpiry);
    const r = await t.call('GET', '/api/v1/users', { token });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toContain('重新登录');
    t.clock.advance(-pastExpiry);
  });

  it('when the password is wrong five times, then the account is locked even for the right password', async () => {
    await t.userToken('operator', { username: 'locky' });
    for (let i = 0; i < 5; i++) await t.call('POST', '/api/v1/auth/login', { body: { username: 'locky', password: 'bad' } });
    const r = await t.call('POST', '/api/v1/auth/login', { body: { username: 'locky', password: 'Passw0rd123' } });
    // The same answer as a wrong password or an unknown name: the lockout tells nobody which accounts exist.
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ reason: 'LOGIN_FAILED', message: '用户名或密码错误' });
  });

  it('when an admin creates a user, then the password is stored as an argon2 hash and audited without it', async () => {
    const r = await t.call('POST', '/api/v1/users', {
      token: t.adminToken,
      body: { username: 'eng1', name: '张工', role: 'engineer', wecomUserId: 'zhanggong', password: 'Secret1234' },
    });
    expect(r.status).toBe(201);
    const u = await t.ds.getRepository(User).findOneByOrFail({ username: 'eng1' });
    expect(u.passwordHash).toMatch(/^\$argon2id\$/);
    const audit = await t.ds.getRepository(AuditEntry).findOneByOrFail({ action: 'user.create', entityId: String(u.id) });
    expect(JSON.stringify(audit.after)).not.toContain('Secret1234');
  });

  it('when a non-admin creates a user, then 403 and nothing is stored', async () => {
    const op = await t.userToken('operator');
    const before = await t.ds.getRepository(User).count();
    const r = await t.call('POST', '/api/v1/users', {
      token: op,
      body: { username: 'x1x', name: 'x', role: 'admin', password: 'Secret1234' },
    });
    expect(r.status).toBe(403);
    expect(await t.ds.getRepository(User).count()).toBe(before);
  });

  it('when the body is malformed JSON or too large, then 400/413 with the error shape', async () => {
    const bad = await t.call('POST', '/api/v1/auth/login', { raw: '{"username":' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
    const huge = await t.call('POST', '/api/v1/auth/login', { raw: JSON.stringify({ username: 'a', password: 'x'.repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
  });

  it('when a unit_staff user is created without a unit, then 400 naming the field', async () => {
    const r = await t.call('POST', '/api/v1/users', {
      token: t.adminToken,
      body: { username: 'u_x', name: 'x', role: 'unit_staff', password: 'Secret1234' },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('unitCode');
  });

  it('when the OpenAPI document is fetched, then it lists the contract paths', async () => {
    const r = await t.call('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/users', '/api/v1/units/{code}']));
  });

  it('when /health is called, then the database check is ok', async () => {
    const r = await t.call('GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body.checks.db.status).toBe('ok');
  });
});
