import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/domain/identity/actor';
import { approvedApplication, freshBatchCode, receive } from '../helpers/ledger-fixtures';
import { seedHospital } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Issue 9, item 9 (the bot's part): an approved application that is not issued is explained with
// the warehouse's real stock of its bill type, in counts only.
describe('the bot tells a unit why its approved application is not issued', () => {
  let t: TestApp;
  let staff: string;
  let appId: number;
  let docNo: string;
  const batch = freshBatchCode();
  const batch2 = freshBatchCode();

  const ask = async (text: string) => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: staff, body: { text } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.intent).toBe('application.status');
    return r.body.reply as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const s = t.services;
    await seedHospital(s);
    await s.catalog.createUnit(systemActor, { code: 'H1', name: '市一医院', onboardingStatus: 'online' });
    await receive(s, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 1000 });
    appId = await approvedApplication(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 500 });
    docNo = (await s.applications.get(systemActor, appId)).docNo;
    staff = await t.userToken('unit_staff', { unitCode: 'H2', username: 'zhang', wecomUserId: 'zhangsan' });
    await s.region.put(systemActor, 'bureau.billOffice', { value: '市财政局票据管理科' });
  });
  afterAll(() => t?.close());

  it('when the warehouse holds enough, then the unit is told the bill office is arranging the issue', async () => {
    const reply = await ask('我们的申领单审核到哪了');
    expect(reply).toContain(`申领单 ${docNo}（医疗收费票据 500 份）：已审核通过`);
    expect(reply).toContain('下一步：已审核通过，市财政局票据管理科正在安排发放。');
    expect(reply).not.toContain('等待市财政局票据管理科发放');
  });

  it('when the warehouse holds less than asked, then the unit is told how many it holds and that the issue waits for a receipt — and no more', async () => {
    // The bureau voids 301–1000 of its own stock (换版): 300 remain, 500 are asked.
    const v = await t.services.stockVoids.create(systemActor, {
      holder: 'bureau',
      billTypeCode: 'YL01',
      reason: '换版',
      lines: [{ batchCode: batch, startNo: 301, endNo: 1000 }],
    });
    await t.services.stockVoids.approve(systemActor, v.id, {});

    const reply = await ask(`申领单 ${docNo} 怎么还没发`);
    expect(reply).toContain('下一步：已审核通过；财政库存目前只有 300 份，不足 500 份，待入库后发放。');
    // Counts only: not the warehouse's batch, nor its numbers.
    expect(reply).not.toContain(batch);
    expect(reply).not.toMatch(/0000000001|0000000300|号段/);
    const byList = await ask('我们的申领单审核到哪了');
    expect(byList).toContain('财政库存目前只有 300 份，不足 500 份');
  });

  it('when the warehouse is empty of the type, then the answer says so; after a receipt, the issue is being arranged again', async () => {
    const v = await t.services.stockVoids.create(systemActor, {
      holder: 'bureau',
      billTypeCode: 'YL01',
      reason: '换版',
      lines: [{ batchCode: batch, startNo: 1, endNo: 300 }],
    });
    await t.services.stockVoids.approve(systemActor, v.id, {});
    expect(await ask('我们的申领单审核到哪了')).toContain('下一步：已审核通过；财政库存目前暂无该种票据，待入库后发放。');

    await receive(t.services, { billTypeCode: 'YL01', batchCode: batch2, startNo: 1, endNo: 600 });
    expect(await ask('我们的申领单审核到哪了')).toContain('下一步：已审核通过，市财政局票据管理科正在安排发放。');
  });

  it('when asked through the domain, then another unit’s staff are refused and other statuses have nothing to wait for', async () => {
    const other = { userId: 999, username: 'x', role: 'unit_staff' as const, unitId: 999, unitCode: 'H1' };
    await expect(t.services.issueReadiness.of(other, appId)).rejects.toMatchObject({ reason: 'OTHER_UNIT' });
    await expect(t.services.issueReadiness.of(systemActor, 999_999)).rejects.toMatchObject({ reason: 'DOCUMENT_NOT_FOUND' });
    expect(await t.services.issueReadiness.of(systemActor, appId)).toEqual({
      applicationId: appId,
      requested: 500,
      available: 600,
      sufficient: true,
    });
    await t.services.issuance.issue(systemActor, appId);
    expect(await t.services.issueReadiness.of(systemActor, appId)).toBeNull();
  });
});
