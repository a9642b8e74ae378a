import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REASONS } from '../../src/domain/errors';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Walks the main paths of api.md once and checks the shapes that scripts rely on, not the business.
describe('API contract (api.md)', () => {
  let t: TestApp;
  let operator: string;
  let staff: string;
  const batchCode = '20260001';
  const ids: Record<string, number> = {};

  const ok = async (method: string, path: string, token: string, body?: unknown, status = 200) => {
    const r = await t.call(method, `/api/v1${path}`, { token, body });
    expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
    return r.body;
  };
  const expectError = (r: { status: number; body: any }, status: number, code: string, reason: string) => {
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error: { code, message: expect.any(String), reason, details: expect.any(Array) } });
    expect(r.body.error.message.length).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z' });
    operator = await t.userToken('operator');
    await ok('POST', '/bill-types', t.adminToken, { code: 'C01', name: '非税收入一般缴款书', category: 'nontax' }, 201);
    await ok('POST', '/units', t.adminToken, { code: 'U1', name: '市第一中学' }, 201);
    staff = await t.userToken('unit_staff', { unitCode: 'U1' });
  }, 60_000);
  afterAll(() => t.close());

  it('when logging in, then the body is {token, user: {id, username, role, unitCode}}', async () => {
    const r = await t.call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'Desk2026test' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      token: expect.any(String),
      user: { id: expect.any(Number), username: 'admin', role: 'admin', unitCode: null },
    });
  });

  it('when creating users, bill types and units, then 201 with the documented fields', async () => {
    const u = await ok(
      'POST',
      '/users',
      t.adminToken,
      { username: 'leader9', name: '王局长', role: 'leader', password: 'Passw0rd123' },
      201,
    );
    expect(u).toMatchObject({ id: expect.any(Number), username: 'leader9', role: 'leader' });
    expect(JSON.stringify(u)).not.toMatch(/argon2|passwordHash|"password"/i);
    expect(
      await ok('POST', '/bill-types', t.adminToken, { code: 'C02', name: '资金往来结算票据', category: 'settlement' }, 201),
    ).toMatchObject({ code: 'C02', category: 'settlement' });
    expect(await ok('POST', '/units', t.adminToken, { code: 'U2', name: '市第二中学', contactName: '李会计' }, 201)).toMatchObject({
      code: 'U2',
      name: '市第二中学',
    });
    expect(await ok('GET', '/units/U2', t.adminToken)).toMatchObject({ code: 'U2' });
  });

  it('when receiving into the warehouse, then 201 {id, count}; an overlap is 409 and startNo > endNo is 400', async () => {
    const r = await ok('POST', '/warehouse/receipts', operator, { billTypeCode: 'C01', batchCode, startNo: 1, endNo: 1000 }, 201);
    expect(r).toMatchObject({ id: expect.any(Number), count: 1000 });
    expectError(
      await t.call('POST', '/api/v1/warehouse/receipts', {
        token: operator,
        body: { billTypeCode: 'C01', batchCode, startNo: 900, endNo: 1100 },
      }),
      409,
      'CONFLICT',
      'RANGE_ALREADY_RECEIVED',
    );
    expectError(
      await t.call('POST', '/api/v1/warehouse/receipts', {
        token: operator,
        body: { billTypeCode: 'C01', batchCode: '20260002', startNo: 10, endNo: 1 },
      }),
      400,
      'VALIDATION',
      'INVALID_INPUT',
    );
  });

  it('when a unit applies and the bureau approves and issues, then the statuses and the issued ranges are as documented', async () => {
    const app = await ok('POST', '/applications', staff, { unitCode: 'U1', billTypeCode: 'C01', quantity: 100, reason: '开学收费' }, 201);
    expect(app).toMatchObject({ id: expect.any(Number), status: 'submitted' });
    expect(await ok('POST', `/applications/${app.id}/approve`, operator, { opinion: '同意' })).toMatchObject({ status: 'approved' });
    const issued = await ok('POST', `/applications/${app.id}/issue`, operator);
    expect(issued).toMatchObject({ status: 'issued', issuanceId: expect.any(Number) });
    expect(issued.ranges).toEqual([{ batchCode, startNo: 1, endNo: 100, count: 100 }]);
    const other = await ok('POST', '/applications', staff, { unitCode: 'U1', billTypeCode: 'C01', quantity: 5 }, 201);
    expect(await ok('POST', `/applications/${other.id}/reject`, operator, { opinion: '数量有误' })).toMatchObject({ status: 'returned' });
    expect(await ok('GET', `/applications/${app.id}`, staff)).toMatchObject({ id: app.id, status: 'issued' });
  });

  it('when reading stock, then {holder, items: [{billTypeCode, billTypeName, count, ranges}], total} for a unit and for the bureau', async () => {
    const unit = await ok('GET', '/stock?unitCode=U1', staff);
    expect(unit).toMatchObject({ holder: 'unit', total: 100 });
    expect(unit.items).toEqual([
      { billTypeCode: 'C01', billTypeName: '非税收入一般缴款书', count: 100, ranges: [{ batchCode, startNo: 1, endNo: 100, count: 100 }] },
    ]);
    const bureau = await ok('GET', '/stock?holder=bureau&billTypeCode=C01', operator);
    expect(bureau).toMatchObject({ holder: 'bureau', total: 900 });
    expect(bureau.items[0]).toMatchObject({
      billTypeCode: 'C01',
      billTypeName: expect.any(String),
      count: 900,
      ranges: [{ batchCode, startNo: 101, endNo: 1000, count: 900 }],
    });
  });

  it('when a unit reports a write-off, then 201 {id, status: "submitted"}; approve and reject answer with the status', async () => {
    const w = await ok(
      'POST',
      '/writeoffs',
      staff,
      {
        unitCode: 'U1',
        billTypeCode: 'C01',
        cutoffDate: '2026-03-01',
        amount: 1200.5,
        used: [{ batchCode, startNo: 1, endNo: 10 }],
        voided: [{ batchCode, startNo: 11, endNo: 11 }],
        lost: [],
      },
      201,
    );
    expect(w).toMatchObject({ id: expect.any(Number), status: 'submitted' });
    expect(await ok('POST', `/writeoffs/${w.id}/approve`, operator, { result: '良好' })).toMatchObject({ status: 'approved' });
    const w2 = await ok(
      'POST',
      '/writeoffs',
      staff,
      { unitCode: 'U1', billTypeCode: 'C01', used: [{ batchCode, startNo: 12, endNo: 20 }] },
      201,
    );
    expect(await ok('POST', `/writeoffs/${w2.id}/reject`, operator, { opinion: '金额不符' })).toMatchObject({ status: 'returned' });
    expect(await ok('GET', `/writeoffs/${w.id}`, staff)).toMatchObject({ id: w.id, status: 'approved' });
    const missing = await t.call('POST', '/api/v1/writeoffs', {
      token: staff,
      body: { unitCode: 'U1', billTypeCode: 'C01', used: [{ batchCode, startNo: 500, endNo: 501 }] },
    });
    expectError(missing, 409, 'CONFLICT', 'RANGE_NOT_HELD');
    expect(missing.body.error.message).toContain('500');
    ids.writeoff = w.id;
  });

  it('when filing a return, a stock void and a destruction, then each is 201 {id, status: "submitted"} with approve/reject', async () => {
    const r = await ok(
      'POST',
      '/returns',
      staff,
      { unitCode: 'U1', billTypeCode: 'C01', reason: '多领', lines: [{ batchCode, startNo: 91, endNo: 100 }] },
      201,
    );
    expect(r).toMatchObject({ id: expect.any(Number), status: 'submitted' });
    expect(await ok('POST', `/returns/${r.id}/approve`, operator, {})).toMatchObject({ status: 'approved' });
    const v = await ok(
      'POST',
      '/stock-voids',
      operator,
      { holder: 'bureau', billTypeCode: 'C01', reason: '换版', lines: [{ batchCode, startNo: 991, endNo: 1000 }] },
      201,
    );
    expect(v).toMatchObject({ id: expect.any(Number), status: 'submitted' });
    expect(await ok('POST', `/stock-voids/${v.id}/approve`, t.adminToken, {})).toMatchObject({ status: 'approved' });
    const d = await ok(
      'POST',
      '/destructions',
      operator,
      { holder: 'bureau', billTypeCode: 'C01', reason: '换版作废空白票据', lines: [{ batchCode, startNo: 991, endNo: 1000 }] },
      201,
    );
    expect(d).toMatchObject({ id: expect.any(Number), status: 'submitted' });
    expect(await ok('POST', `/destructions/${d.id}/reject`, t.adminToken, { opinion: '监销人未定' })).toMatchObject({ status: 'returned' });
  });

  it('when reading the stock-movement report, then {unitCode, from, to, rows: [...]} with the documented columns', async () => {
    const r = await ok('GET', '/reports/stock-movement?unitCode=U1&from=2026-03-01&to=2026-03-31', staff);
    expect(r).toMatchObject({ unitCode: 'U1', from: '2026-03-01', to: '2026-03-31' });
    expect(Object.keys(r.rows[0]).sort()).toEqual(
      expect.arrayContaining(['billTypeCode', 'billTypeName', 'opening', 'received', 'used', 'voided', 'lost', 'returned', 'closing']),
    );
  });

  it('when a report is asked for as xlsx or csv, then it comes as a download named after the report and period', async () => {
    const q = 'from=2026-03-01&to=2026-03-31';
    const cases = [
      [`/reports/stock-movement?unitCode=U1&${q}&format=csv`, 'text/csv', 'report_U1_2026-03-01_2026-03-31.csv'],
      [`/reports/sla?${q}&format=csv`, 'text/csv', 'sla_2026-03-01_2026-03-31.csv'],
      [`/reports/consultations?${q}&format=xlsx`, 'spreadsheetml', 'report_2026-03-01_2026-03-31.xlsx'],
    ] as const;
    for (const [path, type, file] of cases) {
      const r = await t.call('GET', `/api/v1${path}`, { token: operator });
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toContain(type);
      expect(r.headers.get('content-disposition')).toContain(`filename="${file}"`);
      expect(r.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    }
  });

  it('when asking for an SLA due time, then {dueAt, rule} with dueAt in +08:00', async () => {
    const r = await ok('GET', `/sla/due?receivedAt=${encodeURIComponent('2026-03-02T10:00:00+08:00')}&kind=response`, staff);
    expect(r).toMatchObject({
      dueAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?\+08:00$/),
      rule: expect.any(String),
    });
  });

  it('when creating desk records, then tickets, consultations and visits answer 201 with an id', async () => {
    const tk = await ok(
      'POST',
      '/tickets',
      operator,
      { source: 'phone', unitCode: 'U1', reporterName: '李会计', summary: '开票软件无法登录' },
      201,
    );
    expect(tk).toMatchObject({ id: expect.any(Number) });
    expect(await ok('POST', '/consultations', operator, { channel: 'phone', question: '电子票据怎么冲红？' }, 201)).toMatchObject({
      id: expect.any(Number),
    });
  });

  it.each([
    '/users',
    '/bill-types',
    '/units',
    '/warehouse/receipts',
    '/applications',
    '/writeoffs',
    '/returns',
    '/stock-voids',
    '/destructions',
    '/print-plans',
    '/tickets',
    '/consultations',
    '/visits/onsite',
    '/visits/return',
    '/inspections',
    '/trainings',
    '/trainings/requests',
    '/announcements',
    '/incidents',
  ])('when listing %s, then {items, total, page, pageSize} honours paging and pageSize > 200 is a 400', async (path) => {
    const page = await ok('GET', `${path}?page=1&pageSize=2`, t.adminToken);
    expect(page).toEqual({ items: expect.any(Array), total: expect.any(Number), page: 1, pageSize: 2 });
    expect(page.items.length).toBeLessThanOrEqual(2);
    expectError(await t.call('GET', `/api/v1${path}?pageSize=201`, { token: t.adminToken }), 400, 'VALIDATION', 'INVALID_INPUT');
  });

  it('when a request fails, then the error body is {error: {code, message, details}} for 400, 401, 403 and 404', async () => {
    expectError(await t.call('GET', '/api/v1/applications'), 401, 'UNAUTHENTICATED', 'NOT_SIGNED_IN');
    expectError(await t.call('GET', '/api/v1/applications', { token: 'not-a-token' }), 401, 'UNAUTHENTICATED', 'TOKEN_INVALID');
    expectError(
      await t.call('POST', '/api/v1/bill-types', { token: staff, body: { code: 'C09', name: 'x', category: 'other' } }),
      403,
      'FORBIDDEN',
      'PERMISSION_DENIED',
    );
    expectError(await t.call('GET', '/api/v1/applications/99999', { token: t.adminToken }), 404, 'NOT_FOUND', 'DOCUMENT_NOT_FOUND');
    const bad = await t.call('POST', '/api/v1/applications', { token: staff, body: { unitCode: 'U1', quantity: 'many', extra: 1 } });
    expectError(bad, 400, 'VALIDATION', 'INVALID_INPUT');
    expect(bad.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(bad.body.error.details.length).toBeGreaterThan(1);
    for (const d of bad.body.error.details) expect(d.message).not.toMatch(/Invalid|expected|Unrecognized/);
  });

  it('when asking /docs for a name that is not one of its assets, then a 404 in the error shape (never a 500)', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'package.json'])
      expectError(await t.call('GET', `/docs/${name}`), 404, 'NOT_FOUND', 'NOT_FOUND');
    expect((await t.call('GET', '/docs/swagger-ui.css')).status).toBe(200);
  });

  it('when fetching the OpenAPI document, then it lists the contract paths', async () => {
    const r = await t.call('GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    for (const p of [
      '/api/v1/warehouse/receipts',
      '/api/v1/applications/{id}/issue',
      '/api/v1/stock',
      '/api/v1/writeoffs',
      '/api/v1/sla/due',
      '/api/v1/reports/stock-movement',
    ]) {
      expect(Object.keys(r.body.paths)).toContain(p);
    }
    // Every refusal reason is listed, and an error response points at the one Error schema.
    const reason = r.body.components.schemas.Error.properties.error.properties.reason;
    expect(reason.enum).toEqual(Object.keys(REASONS));
    for (const code of ['STOCK_INSUFFICIENT', 'RANGE_NOT_HELD', 'STATE_NOT_ALLOWED', 'CAP_EXCEEDED', 'PENDING_WRITEOFFS', 'SAME_PERSON']) {
      expect(reason.description).toContain(`\`${code}\``);
    }
    const conflict = r.body.paths['/api/v1/applications/{id}/issue'].post.responses['409'];
    expect(conflict.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
  });
});
