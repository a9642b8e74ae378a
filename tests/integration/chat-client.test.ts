import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCallbackConfig, makeChatClient, renderDelivered, type ChatClient } from '../../tools/chat/chat-client';
import { makeWecomClient } from '../../src/bot/channels/wecom/client';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { InboundMessage } from '../../src/domain/desk/inbound-message.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { makeLogger } from '../../src/logger';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { seedHospital } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('local chat client (npm run chat) against the real callback path', () => {
  let t: TestApp;
  let fake: FakeWecom;
  let client: ChatClient;

  beforeAll(async () => {
    fake = await startFakeWecom({ corpId: 'wwchat0001', corpSecret: 'chat-secret', agentId: '1000002', robotKeys: [] });
    const c = fake.config;
    t = await startTestApp({
      now: new Date().toISOString(),
      env: { WECOM_CORP_ID: c.corpId, WECOM_AGENT_ID: '1000002', WECOM_TOKEN: c.token, WECOM_AES_KEY: c.encodingAESKey },
      overrides: { wecomApiBase: fake.url },
    });
    const s = t.services;
    await seedHospital(s);
    await receive(s, { billTypeCode: 'YL01', batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 });
    await s.users.create(systemActor, {
      username: 'wang',
      name: '王芳',
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: 'wangfang',
    } as never);
    const config = await fetchCallbackConfig(fake.url);
    client = makeChatClient({ appUrl: t.baseUrl, fakeUrl: fake.url, user: 'wangfang', config });
  });
  afterAll(async () => {
    await fake?.stop();
    await t?.close();
  });

  it('when the fake server is asked for the callback settings, then they are the ones the app was given', async () => {
    expect(await fetchCallbackConfig(fake.url)).toEqual({
      corpId: 'wwchat0001',
      agentId: '1000002',
      token: fake.config.token,
      encodingAESKey: fake.config.encodingAESKey,
    });
  });

  it('when the member asks for stock, then the encrypted passive reply decrypts to the unit’s figures and the MsgId was claimed', async () => {
    const before = await t.ds.getRepository(InboundMessage).count();
    const a = await client.say('我们还剩多少票');
    expect(a.kind).toBe('reply');
    expect(a.kind === 'reply' && a.text).toContain('市第二人民医院');
    expect(a.kind === 'reply' && a.text).toContain('100 份');
    expect(await t.ds.getRepository(InboundMessage).count()).toBe(before + 1);
  });

  it('when the member opens the app, then the bot greets', async () => {
    const a = await client.enter();
    expect(a.kind).toBe('reply');
    expect(a.kind === 'reply' && a.text.length).toBeGreaterThan(0);
  });

  it('when the settings are wrong, then the app refuses the callback with 403 and nothing is claimed', async () => {
    const before = await t.ds.getRepository(InboundMessage).count();
    const wrong = makeChatClient({
      appUrl: t.baseUrl,
      fakeUrl: fake.url,
      user: 'wangfang',
      config: { ...fake.config, token: 'not-the-token' },
    });
    expect(await wrong.say('你好')).toEqual({ kind: 'refused', status: 403 });
    expect(await t.ds.getRepository(InboundMessage).count()).toBe(before);
  });

  it('when the app sends the member an app message, then the next poll shows it once, and other members’ messages not at all', async () => {
    expect(await client.poll()).toEqual([]);
    const wecom = makeWecomClient({
      apiBase: fake.url,
      corpId: 'wwchat0001',
      corpSecret: 'chat-secret',
      agentId: '1000002',
      logger: makeLogger('silent'),
    });
    await wecom.sendText(['lisi'], '给别人的消息');
    await wecom.sendText(['wangfang'], '【工单 #1 工程师回复】已处理');
    const got = await client.poll();
    expect(got).toHaveLength(1);
    expect(renderDelivered(got[0])).toEqual({ text: '【工单 #1 工程师回复】已处理', buttons: [] });
    expect(await client.poll()).toEqual([]);
  });
});
