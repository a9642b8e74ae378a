import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { systemOver, startTestApp, type TestApp } from '../helpers/test-app';
import { freshBatchCode, receive, seedBillType, seedUnit } from '../helpers/ledger-fixtures';

// 不相容岗位相互分离: the maker of a document is not its checker.
describe('separation of duties', () => {
  let t: TestApp;
  let op1: string;
  let op2: string;
  let unitCode: string;
  let billTypeCode: string;
  beforeAll(async () => {
    t = await startTestApp();
    op1 = await t.userToken('operator', { username: 'sod.op1' });
    op2 = await t.userToken('operator', { username: 'sod.op2' });
    unitCode = (await seedUnit(t.services)).code;
    billTypeCode = (await seedBillType(t.services)).code;
    await receive(t.services, { billTypeCode, batchCode: freshBatchCode(), startNo: 1, endNo: 10_000 });
  });
  afterAll(() => t?.close());
  const post = (path: string, token: string, body: unknown = {}) => t.call('POST', `/api/v1${path}`, { token, body });

  it('when an operator enters an application for a unit (代录), then that operator can neither approve nor return it; another can', async () => {
    const app = await post('/applications', op1, { unitCode, billTypeCode, quantity: 100 });
    expect(app.status).toBe(201);
    for (const path of [`/applications/${app.body.id}/approve`, `/applications/${app.body.id}/reject`]) {
      const r = await post(path, op1, { opinion: '自审' });
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'FORBIDDEN', reason: 'SAME_PERSON' });
    }
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: app.body.id })).status).toBe('submitted');
    expect((await post(`/applications/${app.body.id}/approve`, op2)).body.status).toBe('approved');
  });

  it('when someone resubmits a returned application, then they cannot be the one to approve it either', async () => {
    const staff = await t.userToken('unit_staff', { unitCode });
    const app = await post('/applications', staff, { unitCode, billTypeCode, quantity: 50 });
    await post(`/applications/${app.body.id}/reject`, op1, { opinion: '请补充事由' });
    expect((await post(`/applications/${app.body.id}/submit`, op2, { reason: '代为补充事由' })).body.status).toBe('submitted');
    expect((await post(`/applications/${app.body.id}/approve`, op2)).body.error.reason).toBe('SAME_PERSON');
    expect((await post(`/applications/${app.body.id}/approve`, op1)).body.status).toBe('approved');
  });

  it('when SEPARATION_OF_DUTIES=0 (a one-person office), then the maker may approve, and the switch is in the audit trail', async () => {
    const solo = await startTestApp({ env: { SEPARATION_OF_DUTIES: '0' } });
    try {
      const op = await solo.userToken('operator');
      const unit = (await seedUnit(solo.services)).code;
      const bt = (await seedBillType(solo.services)).code;
      await receive(solo.services, { billTypeCode: bt, batchCode: freshBatchCode(), startNo: 1, endNo: 100 });
      const app = await solo.call('POST', '/api/v1/applications', { token: op, body: { unitCode: unit, billTypeCode: bt, quantity: 10 } });
      expect((await solo.call('POST', `/api/v1/applications/${app.body.id}/approve`, { token: op, body: {} })).body.status).toBe(
        'approved',
      );
      const switched = await solo.ds.getRepository(AuditEntry).findOneByOrFail({ action: 'settings.separation-of-duties' });
      expect(switched).toMatchObject({ actorName: 'system', after: { separationOfDuties: 'off' } });
      // Switching it back on is recorded too; an unchanged start records nothing.
      await systemOver(solo.ds, solo.clock, { SEPARATION_OF_DUTIES: '1' });
      await systemOver(solo.ds, solo.clock, { SEPARATION_OF_DUTIES: '1' });
      const rows = await solo.ds
        .getRepository(AuditEntry)
        .find({ where: { action: 'settings.separation-of-duties' }, order: { id: 'ASC' } });
      expect(rows.map((r) => (r.after as { separationOfDuties: string }).separationOfDuties)).toEqual(['off', 'on']);
    } finally {
      await solo.close();
    }
  });
});
