import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app';

// One place that tries every read a unit's staff could use to look at another unit (standard:
// unit staff see only their own unit), whether by id, by unitCode or through an unfiltered list.
describe('unit isolation of reads', () => {
  let t: TestApp;
  let staff1: string;
  const batch = '20261111';
  const ids: Record<string, number> = {};

  const as = async (token: string, method: string, path: string, body?: unknown, status = 201) => {
    const r = await t.call(method, `/api/v1${path}`, { token, body });
    expect(r.status, `${method} ${path}: ${r.text}`).toBe(status);
    return r.body;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-02T02:00:00Z' });
    const op = await t.userToken('operator');
    const eng = await t.userToken('engineer');
    await as(t.adminToken, 'POST', '/bill-types', { code: 'C01', name: '非税收入一般缴款书', category: 'nontax' });
    for (const code of ['U1', 'U2']) await as(t.adminToken, 'POST', '/units', { code, name: `单位${code}` });
    staff1 = await t.userToken('unit_staff', { unitCode: 'U1' });
    const staff2 = await t.userToken('unit_staff', { unitCode: 'U2', wecomUserId: 'staff-u2' });
    await as(op, 'POST', '/warehouse/receipts', { billTypeCode: 'C01', batchCode: batch, startNo: 1, endNo: 1000 });
    const app = await as(staff2, 'POST', '/applications', { unitCode: 'U2', billTypeCode: 'C01', quantity: 100 });
    await as(op, 'POST', `/applications/${app.id}/approve`, {}, 200);
    await as(op, 'POST', `/applications/${app.id}/issue`, undefined, 200);
    ids.application = app.id;
    const line = (a: number, b: number) => [{ batchCode: batch, startNo: a, endNo: b }];
    ids.writeoff = (await as(staff2, 'POST', '/writeoffs', { unitCode: 'U2', billTypeCode: 'C01', used: line(1, 10) })).id;
    ids.return = (await as(staff2, 'POST', '/returns', { unitCode: 'U2', billTypeCode: 'C01', reason: '多领', lines: line(91, 100) })).id;
    ids.stockVoid = (
      await as(op, 'POST', '/stock-voids', { holder: 'unit', unitCode: 'U2', billTypeCode: 'C01', reason: '换版', lines: line(81, 90) })
    ).id;
    await as(t.adminToken, 'POST', `/stock-voids/${ids.stockVoid}/approve`, {}, 200); // a second person (不相容岗位相互分离)
    ids.destruction = (
      await as(op, 'POST', '/destructions', {
        holder: 'unit',
        unitCode: 'U2',
        billTypeCode: 'C01',
        reason: '换版作废',
        lines: line(81, 90),
      })
    ).id;
    ids.ticket = (
      await as(op, 'POST', '/tickets', { source: 'phone', unitCode: 'U2', reporterName: '李会计', summary: '开票软件无法登录' })
    ).id;
    ids.consultation = (await as(op, 'POST', '/consultations', { channel: 'phone', unitCode: 'U2', question: '二单位的问题' })).id;
    ids.onsite = (
      await as(eng, 'POST', '/visits/onsite', {
        unitCode: 'U2',
        dispatchedAt: '2026-03-02T09:00:00+08:00',
        workDone: '重装开票软件',
        result: 'resolved',
      })
    ).id;
    ids.returnVisit = (await as(op, 'POST', '/visits/return', { unitCode: 'U2', note: '回访二单位' })).id;
    ids.trainingRequest = (await as(staff2, 'POST', '/trainings/requests', { topic: '电子票据开具' })).id;
    const ann = await as(op, 'POST', '/announcements', { title: '仅二单位', body: '二单位通知', unitCodes: ['U2'] });
    await as(op, 'POST', `/announcements/${ann.id}/publish`, undefined, 200);
    ids.announcement = ann.id;
  }, 60_000);
  afterAll(() => t.close());

  const byId = [
    ['application', '/applications/'],
    ['writeoff', '/writeoffs/'],
    ['return', '/returns/'],
    ['stockVoid', '/stock-voids/'],
    ['destruction', '/destructions/'],
    ['ticket', '/tickets/'],
    ['consultation', '/consultations/'],
    ['onsite', '/visits/onsite/'],
    ['returnVisit', '/visits/return/'],
    ['announcement', '/announcements/'],
  ] as const;
  it.each(byId)("when unit staff ask for another unit's %s by id, then 403 or 404 and nothing of it is shown", async (key, path) => {
    expect((await t.call('GET', `/api/v1${path}${ids[key]}`, { token: t.adminToken })).status).toBe(200);
    const r = await t.call('GET', `/api/v1${path}${ids[key]}`, { token: staff1 });
    expect([403, 404]).toContain(r.status);
    expect(r.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(r.text).not.toContain('U2');
  });

  const byUnitCode = [
    '/applications?unitCode=U2',
    '/writeoffs?unitCode=U2',
    '/returns?unitCode=U2',
    '/stock-voids?unitCode=U2',
    '/destructions?unitCode=U2',
    '/tickets?unitCode=U2',
    '/consultations?unitCode=U2',
    '/stock?unitCode=U2',
    '/units/U2',
    '/reports/stock-movement?unitCode=U2',
    '/reports/issuance?unitCode=U2',
    '/reports/writeoffs?unitCode=U2',
    '/reports/destructions?unitCode=U2',
    '/reports/warnings?unitCode=U2',
  ];
  it.each(byUnitCode)('when unit staff ask for %s, then 403 (or an empty page) and no row of the other unit', async (path) => {
    const r = await t.call('GET', `/api/v1${path}`, { token: staff1 });
    if (r.status === 200) expect(r.body.items ?? r.body.rows ?? [], r.text).toEqual([]);
    else expect(r.status, r.text).toBe(403);
  });

  const lists = [
    '/applications',
    '/writeoffs',
    '/returns',
    '/stock-voids',
    '/destructions',
    '/tickets',
    '/consultations',
    '/visits/onsite',
    '/visits/return',
    '/trainings/requests',
    '/announcements',
  ];
  it.each(lists)("when unit staff list %s without a filter, then only their own unit's rows come back", async (path) => {
    const r = await t.call('GET', `/api/v1${path}`, { token: staff1 });
    expect(r.status, r.text).toBe(200);
    expect(r.body.items).toEqual([]);
    expect(r.body.total).toBe(0);
    expect((await t.call('GET', `/api/v1${path}`, { token: t.adminToken })).body.total).toBeGreaterThan(0);
  });

  it('when unit staff list units, then they see their own unit only', async () => {
    const r = await t.call('GET', '/api/v1/units', { token: staff1 });
    expect(r.body.items.map((u: { code: string }) => u.code)).toEqual(['U1']);
  });

  it.each([
    '/incidents',
    '/inspections',
    '/inspections/schedules',
    '/reports/warehouse-balance',
    '/reports/receipts',
    '/reports/sla',
    '/reports/consultations',
    '/users',
  ])('when unit staff open the bureau-only %s, then 403', async (path) => {
    const r = await t.call('GET', `/api/v1${path}`, { token: staff1 });
    expect(r.status, r.text).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });
});
