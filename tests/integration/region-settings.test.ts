import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_KEY_NAMES } from '../../src/domain/settings/region-settings';
import { seedHospital } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Issue 10, item 8: region values are settings an admin edits through the API; answers use them at
// once, never show a placeholder, and point to the contact (or 转人工) while a value is unset.
describe('region settings through the admin API, as the bot’s answers use them', () => {
  let t: TestApp;
  let operator: string;
  let staff: string;

  const put = (key: string, body: unknown, token = t.adminToken) => t.call('PUT', `/api/v1/settings/region/${key}`, { token, body });
  const list = async () =>
    (await t.call('GET', '/api/v1/settings/region', { token: t.adminToken })).body.items as Array<{ key: string; value: string | null }>;
  const ask = async (text: string) => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: staff, body: { text } });
    expect(r.status, r.text).toBe(200);
    return r.body as { reply: string; intent: string };
  };

  beforeAll(async () => {
    t = await startTestApp();
    await seedHospital(t.services);
    operator = await t.userToken('operator');
    staff = await t.userToken('unit_staff', { unitCode: 'H2', wecomUserId: 'zhangsan' });
  }, 60_000);
  afterAll(() => t?.close());

  it('when nothing is set, then every key is listed unset and 「电话多少」 points to 转人工 without a placeholder', async () => {
    const items = await list();
    expect(items.map((i) => i.key)).toEqual([...REGION_KEY_NAMES]);
    expect(items.every((i) => i.value === null)).toBe(true);
    const r = await ask('票据管理科电话多少');
    expect(r.intent).toBe('faq.contact');
    expect(r.reply).toContain('联系电话暂未公布，请回复“转人工”询问');
    expect(r.reply).not.toMatch(/示例|请核对|\{\{/);
  });

  it('when an admin sets the phone and address, then answers carry them at once and unset values point to that phone', async () => {
    const phone = await put('bureau.phone', { value: '0759-3220875' });
    expect(phone.status, phone.text).toBe(200);
    expect(phone.body).toEqual({ key: 'bureau.phone', label: '联系电话（咨询电话）', value: '0759-3220875' });
    expect((await put('bureau.name', { value: '湛江市财政局' })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/settings/region/bureau.phone', { token: operator })).body.value).toBe('0759-3220875');

    const r = await ask('票据管理科电话多少');
    expect(r.reply).toContain('电话 0759-3220875');
    expect(r.reply).toContain('办公时间暂未公布，请致电财政局票据管理部门（0759-3220875）询问');
    expect((await ask('财政局地址在哪')).reply).toContain('办公地址暂未公布，请致电财政局票据管理部门（0759-3220875）询问');

    expect((await put('bureau.address', { value: '湛江市赤坎区康顺路48号财政局二楼213室' })).status).toBe(200);
    expect((await ask('财政局地址在哪')).reply).toContain('湛江市赤坎区康顺路48号财政局二楼213室');
  });

  it('when the input is bad or the caller may not, then it is refused and nothing changes', async () => {
    const before = await list();
    const refusals: Array<[string, unknown, number, string]> = [
      ['bureau.phone', { value: '打电话给我' }, 400, 'INVALID_INPUT'],
      ['bureau.phone', { value: '0000-12345678（示例）' }, 400, 'INVALID_INPUT'],
      ['bureau.address', { value: '市行政中心 3 号楼（示例，请按本地修改）' }, 400, 'INVALID_INPUT'],
      ['verify.url', { value: '全国平台（https://pjcy.mof.gov.cn，请核对）' }, 400, 'INVALID_INPUT'],
      ['system.url', { value: 'pj.zhanjiang.gov.cn' }, 400, 'INVALID_INPUT'],
      ['bureau.hours', { value: 'x'.repeat(201) }, 400, 'INVALID_INPUT'],
      ['bureau.hours', { value: 8 }, 400, 'INVALID_INPUT'],
      ['bureau.hours', { value: '工作日', extra: 1 }, 400, 'INVALID_INPUT'],
      ['bureau.hours', {}, 400, 'INVALID_INPUT'],
      ['no.such.key', { value: '值' }, 404, 'SETTING_NOT_FOUND'],
    ];
    for (const [key, body, status, reason] of refusals) {
      const r = await put(key, body);
      expect(r.status, `${key} ${JSON.stringify(body)}: ${r.text}`).toBe(status);
      expect(r.body.error.reason).toBe(reason);
    }
    const denied = await put('bureau.phone', { value: '0759-1234567' }, operator);
    expect(denied.status).toBe(403);
    expect(denied.body.error.reason).toBe('PERMISSION_DENIED');
    expect((await t.call('GET', '/api/v1/settings/region', { token: staff })).status).toBe(403);
    expect(await list()).toEqual(before);
  });

  it('when an admin clears a value with null, then it is unset again and the audit trail has both changes', async () => {
    const r = await put('bureau.address', { value: null });
    expect(r.body.value).toBeNull();
    expect((await list()).find((i) => i.key === 'bureau.address')!.value).toBeNull();
    const audit = await t.call('GET', '/api/v1/audit?action=settings.region', { token: t.adminToken });
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain('region.bureau.address');
  });
});
