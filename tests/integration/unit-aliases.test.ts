import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Unit } from '../../src/domain/catalog/unit.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { seedHospital } from '../helpers/bot-fixtures';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Units have short names as data (issue 10, item 6): the bot tells another unit's data by them and
// bureau staff find units by them.
describe('unit short names (aliases)', () => {
  let t: TestApp;
  let staff: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedHospital(t.services);
    await t.services.catalog.createUnit(systemActor, { code: 'S2', name: '市第二中学', aliases: ['二中'], onboardingStatus: 'online' });
    await t.services.catalog.createUnit(systemActor, {
      code: 'K1',
      name: '市ICU培训中心',
      aliases: ['ICU中心'],
      onboardingStatus: 'online',
    });
    await receive(t.services, { billTypeCode: 'YL01', batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    await issueToUnit(t.services, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 300 });
    staff = await t.userToken('unit_staff', { unitCode: 'H2', username: 'h2clerk', wecomUserId: 'h2clerk' });
  });
  afterAll(() => t?.close());

  const aliasesOf = async (code: string) => (await t.ds.getRepository(Unit).findOneByOrFail({ code })).aliases;

  it('a unit is created and listed with its short names, and found by one', async () => {
    const created = await t.call('POST', '/api/v1/units', {
      token: t.adminToken,
      body: { code: 'Z1', name: '市中医院', aliases: ['中医院', '市中医'], onboardingStatus: 'online' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.aliases).toEqual(['中医院', '市中医']);
    const found = await t.call('GET', '/api/v1/units?q=' + encodeURIComponent('二中'), { token: t.adminToken });
    expect(found.body.items.map((u: { code: string }) => u.code)).toEqual(['S2']);
  });

  // Names are compared as the bot reads them (NFKC, no spaces, any case); the refusal quotes the name as typed.
  it.each([
    ['another unit’s short name', { aliases: ['二中'] }, 409, 'DUPLICATE', '名称或简称「二中」已被 市第二中学（S2）使用'],
    ['another unit’s full name', { aliases: ['市第二人民医院'] }, 409, 'DUPLICATE', '市第二人民医院'],
    ['another unit’s full name as its own', { name: '市第二中学' }, 409, 'DUPLICATE', '名称或简称「市第二中学」已被 市第二中学（S2）使用'],
    ['another unit’s short name with spaces in it', { aliases: ['中医', '二 中'] }, 409, 'DUPLICATE', '「二 中」已被 市第二中学（S2）使用'],
    [
      'another unit’s short name in full-width letters',
      { aliases: ['ＩＣＵ中心'] },
      409,
      'DUPLICATE',
      '「ＩＣＵ中心」已被 市ICU培训中心（K1）使用',
    ],
    [
      'another unit’s full name in lower case',
      { name: '市icu培训中心' },
      409,
      'DUPLICATE',
      '「市icu培训中心」已被 市ICU培训中心（K1）使用',
    ],
    ['a one-character short name', { aliases: ['中'] }, 400, 'INVALID_INPUT', '简称至少 2 个字'],
    ['the same short name twice', { aliases: ['中医', '中医'] }, 400, 'INVALID_INPUT', '简称不能重复'],
    // NFKC spells ﷽ out in 18 letters: forty of them make a name too long to store as a key.
    ['a name too long once normalised', { name: '\uFDFA'.repeat(40) }, 400, 'INVALID_INPUT', '单位名称含过多兼容字符'],
  ])('when a unit is given %s, then it is refused and its short names stay as they were', async (_what, body, status, reason, message) => {
    const before = await aliasesOf('Z1');
    const r = await t.call('PATCH', '/api/v1/units/Z1', { token: t.adminToken, body });
    expect(r.status, r.text).toBe(status);
    expect(r.body.error.reason).toBe(reason);
    expect(r.text).toContain(message);
    expect(await aliasesOf('Z1')).toEqual(before);
    expect((await t.ds.getRepository(Unit).findOneByOrFail({ code: 'Z1' })).name).toBe('市中医院');
  });

  it('when a unit is created with a name another unit answers to, then it is refused and not created', async () => {
    const r = await t.call('POST', '/api/v1/units', {
      token: t.adminToken,
      body: { code: 'Z9', name: '新建单位', aliases: ['icu 中心'], onboardingStatus: 'online' },
    });
    expect(r.status, r.text).toBe(409);
    expect(r.body.error.reason).toBe('DUPLICATE');
    expect(r.body.error.message).toBe('名称或简称「icu 中心」已被 市ICU培训中心（K1）使用');
    expect(await t.ds.getRepository(Unit).findOneBy({ code: 'Z9' })).toBeNull();
  });

  it('short names can be changed', async () => {
    const r = await t.call('PATCH', '/api/v1/units/Z1', { token: t.adminToken, body: { aliases: ['中医院'] } });
    expect(r.status, r.text).toBe(200);
    expect(await aliasesOf('Z1')).toEqual(['中医院']);
  });

  it('when unit staff ask about another unit by its short name, then they are refused and shown no stock', async () => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: staff, body: { text: '二中的票还剩几张' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.reply).toContain('不能提供其他单位的数据');
    expect(r.body.reply).not.toMatch(/\d+\s*(张|份)/);
    expect(r.body.escalated).toBe(false);
  });

  it('the bot sees a new short name on the next question', async () => {
    await t.call('PATCH', '/api/v1/units/S2', { token: t.adminToken, body: { aliases: ['二中', '市二中'] } });
    const r = await t.call('POST', '/api/v1/bot/messages', { token: staff, body: { text: '市二中的医疗票还剩多少' } });
    expect(r.body.reply).toContain('不能提供其他单位的数据');
  });
});
