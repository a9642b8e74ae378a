import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/domain/identity/actor';
import { PERMISSIONS, permissionsOf, type Permission } from '../../src/domain/policy';
import { startTestApp, type TestApp } from '../helpers/test-app';

interface Operation {
  method: string;
  path: string;
  permission: Permission;
}

// Walks every operation of the OpenAPI document that names a permission, as every role: the API
// must refuse exactly the roles policy.ts leaves out (403 PERMISSION_DENIED), and let the others
// past the permission check (their empty request then fails validation or finds nothing).
describe('permission policy × roles against the API', () => {
  let t: TestApp;
  const tokens = {} as Record<Role, string>;
  let operations: Operation[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.call('POST', '/api/v1/units', { token: t.adminToken, body: { code: 'U1', name: '市第一中学' } });
    for (const role of ROLES) tokens[role] = await t.userToken(role, role === 'unit_staff' ? { unitCode: 'U1' } : {});
    const doc = (await t.call('GET', '/api/v1/openapi.json')).body;
    for (const [path, item] of Object.entries<Record<string, { 'x-permission'?: Permission }>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op['x-permission']) operations.push({ method: method.toUpperCase(), path, permission: op['x-permission'] });
      }
    }
    // Side effects of permitted roles would only add noise (a summary run, an inspection).
    operations = operations.filter((o) => !/\/run$|\/train$/.test(o.path));
  }, 60_000);
  afterAll(() => t.close());

  it('when the document is read, then the guarded operations cover every area of the policy', () => {
    expect(operations.length).toBeGreaterThan(50);
    const named = new Set(operations.map((o) => o.permission));
    for (const p of [
      'application.approve',
      'application.issue',
      'writeoff.approve',
      'ticket.handle',
      'catalog.edit',
      'user.manage',
      'region.edit',
    ] as const) {
      expect(named).toContain(p);
    }
  });

  it('when every role calls every guarded operation, then exactly the roles without the permission get 403 PERMISSION_DENIED', async () => {
    const mismatches: string[] = [];
    for (const op of operations) {
      const url = '/api/v1' + op.path.replace(/\{[^}]+\}/g, '999999').replace(/^\/api\/v1/, '');
      for (const role of ROLES) {
        const allowed = (PERMISSIONS[op.permission] as readonly Role[]).includes(role);
        const r = await t.call(op.method, url, { token: tokens[role], body: op.method === 'GET' ? undefined : {} });
        const denied = r.status === 403 && r.body?.error?.reason === 'PERMISSION_DENIED';
        if (denied === allowed)
          mismatches.push(`${role} ${op.method} ${op.path} (${op.permission}): ${r.status} ${r.body?.error?.reason ?? ''}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('when each role asks GET /me, then it gets its user, unit and exactly its permissions', async () => {
    for (const role of ROLES) {
      const r = await t.call('GET', '/api/v1/me', { token: tokens[role] });
      expect(r.status).toBe(200);
      expect(r.body.user).toMatchObject({ role, unitCode: role === 'unit_staff' ? 'U1' : null });
      expect(r.body.unit).toEqual(role === 'unit_staff' ? { code: 'U1', name: '市第一中学' } : null);
      expect(r.body.permissions).toEqual(permissionsOf(role));
    }
    expect((await t.call('GET', '/api/v1/me')).status).toBe(401);
  });
});
