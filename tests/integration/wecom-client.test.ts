import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WecomApiError } from '../../src/bot/channels/wecom/api';
import { makeWecomClient, type WecomClientOptions } from '../../src/bot/channels/wecom/client';
import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { parseEnvelope, parseInboundMessage } from '../../src/bot/channels/wecom/message';
import { makeWecomRobot } from '../../src/bot/channels/wecom/robot';
import { utf8Bytes } from '../../src/bot/channels/wecom/split';

const corp = { corpId: 'wwtestcorp', corpSecret: 'test-secret-value-42', agentId: '1000002' };
let fake: FakeWecom;
let logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

interface Harness {
  client: ReturnType<typeof makeWecomClient>;
  calls: string[];
  delays: number[];
}

function harness(overrides: Partial<WecomClientOptions> = {}): Harness {
  const calls: string[] = [];
  const delays: number[] = [];
  const client = makeWecomClient({
    apiBase: fake.url,
    ...corp,
    logger,
    sleep: async (ms) => void delays.push(ms),
    fetchImpl: (input, init) => {
      calls.push(new URL(input instanceof Request ? input.url : input).pathname);
      return fetch(input, init);
    },
    timeoutMs: 1000,
    ...overrides,
  });
  return { client, calls, delays };
}

async function errorOf(promise: Promise<unknown>): Promise<WecomApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WecomApiError);
  return err as WecomApiError;
}

const contents = () => fake.received.messages.map((m) => (m.body.text as { content: string }).content);

beforeAll(async () => {
  fake = await startFakeWecom({
    ...corp,
    robotKeys: ['robot-key-1'],
    members: ['u1', 'u2', 'u3', ...Array.from({ length: 20 }, (_, i) => `m${i}`)],
  });
});
afterAll(async () => fake.stop());
afterEach(() => {
  fake.reset();
  logLines = [];
});

describe('WeCom app-message client against the fake server', () => {
  it('when several messages are sent, then one token is fetched and reused', async () => {
    const { client, calls } = harness();
    await client.sendText(['u1'], '第一条');
    await client.sendText(['u2'], '第二条');
    await client.sendMarkdown(['u1'], '**第三条**');
    expect(fake.received.tokenRequests).toBe(1);
    expect(calls.filter((p) => p === '/cgi-bin/gettoken')).toHaveLength(1);
    expect(fake.received.messages.map((m) => m.msgtype)).toEqual(['text', 'text', 'markdown']);
  });

  it('when 20 sends start at once on a cold cache, then gettoken is called once and all are delivered', async () => {
    const { client } = harness();
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.sendText([`m${i}`], `并发消息 ${i}`)));
    expect(fake.received.tokenRequests).toBe(1);
    expect(fake.received.messages).toHaveLength(20);
    expect(new Set(fake.received.messages.flatMap((m) => m.delivered)).size).toBe(20);
  });

  it('when WeCom answers 42001 once, then the client refreshes the token and retries once', async () => {
    const { client, calls } = harness();
    await client.sendText(['u1'], 'warm up');
    fake.failNext('expired-token');
    await client.sendText(['u1'], 'after expiry');
    expect(fake.received.tokenRequests).toBe(2);
    expect(calls.filter((p) => p === '/cgi-bin/message/send')).toHaveLength(3);
    expect(contents()).toEqual(['warm up', 'after expiry']);
  });

  it('when all issued tokens have really expired, then the client recovers with one refresh', async () => {
    const { client } = harness();
    await client.sendText(['u1'], 'one');
    fake.expireTokens();
    await Promise.all([client.sendText(['u1'], 'two'), client.sendText(['u2'], 'three')]);
    expect(fake.received.tokenRequests).toBe(2);
    expect(contents().sort()).toEqual(['one', 'three', 'two']);
  });

  it('when the token is rejected twice in a row, then it refreshes only once and surfaces 42001', async () => {
    const { client } = harness();
    fake.failNext('expired-token', 2);
    const err = await errorOf(client.sendText(['u1'], 'x'));
    expect(err.errcode).toBe(42001);
    expect(fake.received.tokenRequests).toBe(2);
    expect(fake.received.messages).toHaveLength(0);
  });

  it('when WeCom is busy (-1) twice, then the client backs off exponentially and succeeds', async () => {
    const { client, delays } = harness();
    fake.failNext('busy', 2);
    await client.sendText(['u1'], 'busy test');
    expect(contents()).toEqual(['busy test']);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThan(delays[0]);
  });

  it('when WeCom stays busy, then the client gives up after 3 retries with a retryable error', async () => {
    const { client, calls, delays } = harness();
    fake.failNext('busy', 10);
    const err = await errorOf(client.sendText(['u1'], 'never'));
    expect(err).toMatchObject({ errcode: -1, retryable: true });
    expect(calls.filter((p) => p === '/cgi-bin/message/send')).toHaveLength(4);
    expect(delays).toHaveLength(3);
  });

  it('when WeCom answers HTTP 500, then the client retries and the message arrives once', async () => {
    const { client } = harness();
    fake.failNext('http-500');
    await client.sendText(['u1'], 'after 500');
    expect(contents()).toEqual(['after 500']);
  });

  it('when WeCom is slower than the timeout, then the attempt is abandoned and retried', async () => {
    const { client, calls } = harness({ timeoutMs: 150 });
    await client.sendText(['u1'], 'warm');
    fake.failNext('slow', 1, { delayMs: 600 });
    const started = Date.now();
    await client.sendText(['u1'], 'slow path');
    expect(Date.now() - started).toBeLessThan(550);
    expect(calls.filter((p) => p === '/cgi-bin/message/send')).toHaveLength(3);
  });

  it('when WeCom answers 45009, then a retryable error is surfaced at once without retrying', async () => {
    const { client, calls } = harness();
    fake.failNext('rate-limit');
    const err = await errorOf(client.sendText(['u1'], 'limited'));
    expect(err).toMatchObject({ errcode: 45009, retryable: true });
    expect(calls.filter((p) => p === '/cgi-bin/message/send')).toHaveLength(1);
  });

  it('when the text is longer than 2048 bytes, then it is sent in ≤ 2048-byte parts with markers', async () => {
    const { client } = harness();
    const text = Array.from({ length: 60 }, (_, i) => `${i + 1}. 医疗收费票据申领需要提供单位介绍信、经办人身份证。`).join('\n');
    expect(utf8Bytes(text)).toBeGreaterThan(4096);
    await client.sendText(['u1'], text);
    const parts = contents();
    expect(parts.length).toBe(Math.ceil(utf8Bytes(text) / 2000));
    for (const p of parts) expect(utf8Bytes(p)).toBeLessThanOrEqual(2048);
    expect(parts[0]).toMatch(new RegExp(`\\(1/${parts.length}\\)$`));
    expect(parts.map((p) => p.replace(/\n\(\d+\/\d+\)$/, '')).join('\n')).toBe(text);
    expect(fake.received.rejected).toEqual([]);
  });

  it('when some recipients are unknown, then they come back as invalidUsers; when all are, then 81013 is not retryable', async () => {
    const { client } = harness();
    expect(await client.sendText(['u1', 'ghost'], 'hi')).toEqual({ invalidUsers: ['ghost'] });
    const err = await errorOf(client.sendText(['ghost'], 'hi'));
    expect(err).toMatchObject({ errcode: 81013, retryable: false });
  });

  it('when a template card is valid, then WeCom receives it; when task_id is bad, then nothing is sent', async () => {
    const { client, calls } = harness();
    const card = {
      card_type: 'button_interaction' as const,
      main_title: { title: '新工单 #123', desc: '医疗票据打印异常' },
      horizontal_content_list: [{ keyname: '单位', value: '市第一医院' }],
      task_id: 'ticket-123_claim@1',
      button_list: [
        { text: '认领', key: 'claim:123' },
        { text: '已解决', key: 'resolve:123', style: 2 },
      ],
    };
    await client.sendTemplateCard(['u1'], card);
    expect(fake.received.messages[0].body.template_card).toMatchObject({ task_id: 'ticket-123_claim@1' });
    const sends = calls.length;
    const err = await errorOf(client.sendTemplateCard(['u1'], { ...card, task_id: 'bad id!' }));
    expect(err).toMatchObject({ errcode: 40058, retryable: false });
    const tooMany = Array.from({ length: 7 }, (_, i) => ({ text: `b${i}`, key: `k${i}` }));
    expect((await errorOf(client.sendTemplateCard(['u1'], { ...card, button_list: tooMany }))).errcode).toBe(40058);
    expect(calls.length).toBe(sends);
  });

  it('when a text card is sent, then the fake accepts its shape', async () => {
    const { client } = harness();
    await client.sendTextCard(['u1'], {
      title: '工单已解决',
      description: '请评价本次服务',
      url: 'https://example.org/t/1',
      btntxt: '评价',
    });
    expect(fake.received.messages[0]).toMatchObject({ msgtype: 'textcard', delivered: ['u1'] });
  });

  it('when the secret is wrong, then 40001 is not retryable and neither secret nor token leaks', async () => {
    const { client } = harness({ corpSecret: 'wrong-secret-xyz' });
    const err = await errorOf(client.sendText(['u1'], 'x'));
    expect(err).toMatchObject({ errcode: 40001, retryable: false });
    expect(err.message).not.toContain('wrong-secret-xyz');
    expect(logLines.join('')).not.toContain('wrong-secret-xyz');
  });

  it('when WeCom echoes the access token in errmsg, then the thrown error and logs do not contain it', async () => {
    let seenToken = '';
    const { client } = harness({
      fetchImpl: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : input);
        if (url.pathname !== '/cgi-bin/message/send') return fetch(input, init);
        seenToken = url.searchParams.get('access_token') ?? '';
        return new Response(JSON.stringify({ errcode: 40058, errmsg: `invalid param, access_token=${seenToken}` }));
      },
    });
    const err = await errorOf(client.sendText(['u1'], 'x'));
    expect(seenToken.length).toBeGreaterThan(10);
    expect(err.message).toContain('[redacted]');
    expect(err.message).not.toContain(seenToken);
    expect(JSON.stringify(err)).not.toContain(seenToken);
    fake.failNext('http-500', 10);
    const err2 = await errorOf(harness().client.sendText(['u1'], 'y'));
    expect(err2.message).not.toMatch(/access_token=|fk[0-9a-f]{20}/);
    expect(logLines.join('')).not.toMatch(/fk[0-9a-f]{48}|test-secret-value-42/);
    expect(logLines.join('')).toContain('access_token=[redacted]');
  });

  it('when a member gets a 31st message within a minute, then the fake drops it silently and records the drop', async () => {
    const { client } = harness();
    for (let i = 0; i < 31; i++) await client.sendText(['u3'], `n${i}`);
    expect(fake.received.messages).toHaveLength(30);
    expect(fake.received.dropped).toEqual([expect.objectContaining({ touser: 'u3', msgtype: 'text' })]);
  });
});

describe('fake server request validation', () => {
  async function rawSend(body: unknown, token?: string) {
    if (token === undefined) {
      const res = await fetch(`${fake.url}/cgi-bin/gettoken?corpid=${corp.corpId}&corpsecret=${corp.corpSecret}`);
      token = ((await res.json()) as { access_token: string }).access_token;
    }
    const res = await fetch(`${fake.url}/cgi-bin/message/send?access_token=${token}`, { method: 'POST', body: JSON.stringify(body) });
    return ((await res.json()) as { errcode: number }).errcode;
  }
  const text = (content: string, extra: Record<string, unknown> = {}) => ({
    touser: 'u1',
    msgtype: 'text',
    agentid: 1000002,
    text: { content },
    ...extra,
  });

  it('when raw requests break WeCom rules, then the fake answers WeCom errcodes and records each rejection', async () => {
    expect(await rawSend(text('票'.repeat(683)))).toBe(45002); // 2049 bytes
    expect(await rawSend(text('ok', { agentid: 1 }))).toBe(40056);
    expect(await rawSend(text('ok', { touser: '' }))).toBe(40031);
    expect(await rawSend(text('   '))).toBe(44004);
    expect(await rawSend({ ...text('ok'), msgtype: 'voice' })).toBe(40008);
    expect(await rawSend(text('ok'), 'not-a-token')).toBe(40014);
    expect(fake.received.rejected.map((r) => r.errcode)).toEqual([45002, 40056, 40031, 44004, 40008, 40014]);
    expect(fake.received.messages).toHaveLength(0);
    expect(await rawSend(text('票'.repeat(682)))).toBe(0);
    await fake.waitForMessages(1, 500);
  });

  it('when fewer messages arrive than awaited, then waitForMessages rejects after its timeout', async () => {
    await expect(fake.waitForMessages(1, 50)).rejects.toThrow(/expected 1/);
  });
});

describe('WeCom group robot against the fake server', () => {
  const robot = (key = 'robot-key-1') => makeWecomRobot({ apiBase: fake.url, key, logger, sleep: async () => undefined });

  it('when text with mentions and long markdown are posted, then the fake records them within limits', async () => {
    await robot().sendText('系统告警：票据系统无法登录', { mentionedList: ['@all'] });
    await robot().sendMarkdown(`## 周报\n${'> 本周处理工单 **12** 件。\n'.repeat(300)}`);
    const [text, ...md] = fake.received.robot;
    expect(text.body).toEqual({ msgtype: 'text', text: { content: '系统告警：票据系统无法登录', mentioned_list: ['@all'] } });
    expect(md.length).toBeGreaterThanOrEqual(2);
    for (const m of md) expect(utf8Bytes((m.body.markdown as { content: string }).content)).toBeLessThanOrEqual(4096);
  });

  it('when the key is unknown, then 93000 is surfaced as not retryable and the key is not in the error', async () => {
    const err = await errorOf(robot('leaked-key-abc').sendText('x'));
    expect(err).toMatchObject({ errcode: 93000, retryable: false });
    expect(err.message).not.toContain('leaked-key-abc');
  });

  it('when a 21st robot message is posted within a minute, then 45009 is retryable', async () => {
    for (let i = 0; i < 20; i++) await robot().sendText(`m${i}`);
    const err = await errorOf(robot().sendText('one too many'));
    expect(err).toMatchObject({ errcode: 45009, retryable: true });
    expect(fake.received.robot).toHaveLength(20);
  });
});

describe('fake server callback builders', () => {
  it('when a text callback is built, then the app side verifies, decrypts and parses it', () => {
    const built = fake.buildCallback({ fromUser: 'zhangsan', text: '还剩多少票？', msgId: '4561255354251345929' });
    const app = makeWecomCrypto({ token: fake.config.token, encodingAESKey: fake.config.encodingAESKey, receiveId: corp.corpId });
    const envelope = parseEnvelope(built.body);
    const q = Object.fromEntries(new URLSearchParams(built.queryString));
    const inner = app.decryptMessage({ msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypt: envelope.encrypt });
    expect(parseInboundMessage(inner)).toMatchObject({
      msgType: 'text',
      fromUserName: 'zhangsan',
      content: '还剩多少票？',
      msgId: '4561255354251345929',
    });
    const check = fake.buildUrlVerification('echo-123');
    expect(app.verifyUrl(Object.fromEntries(new URLSearchParams(check.queryString)))).toBe('echo-123');
  });
});
