import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { makeCallbackBuilder } from '../../tools/fake-wecom/fake-server-callback';
import { systemActor } from '../../src/domain/identity/actor';
import type { Queues } from '../../src/jobs/queues';
import { freshBatchCode, issueToUnit, receive } from '../helpers/ledger-fixtures';
import { startPrivateRedis } from '../../tools/reliability/private-redis';
import { seedHospital } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

const METRICS_TOKEN = 'metrics-scraper-token-0123456789';
const wecom = { token: 'metricsToken', encodingAESKey: 'Edac9PjCWW92zBOehjFDIGE6I5qOG4Vc6EwIIgVa8L0', corpId: 'wwmetrics0001' };

/** The value of one sample line of the Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2].split(',');
    if (want.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('bot and queue metrics on GET /metrics', () => {
  let t: TestApp;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let queues: Queues;
  const builder = makeCallbackBuilder(makeWecomCrypto({ ...wecom, receiveId: wecom.corpId }), wecom.corpId, '1000002', () =>
    Math.floor(Date.now() / 1000),
  );
  // The admin speaks as each member (bot.simulate): the dialog as that member sees it.
  const ask = async (senderId: string, text: string) => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token: t.adminToken, body: { senderId, text } });
    expect(r.status, r.text).toBe(200);
    return r.body as { intent: string; escalated: boolean };
  };
  const scrape = async () => {
    const r = await t.call('GET', '/metrics', { token: METRICS_TOKEN });
    expect(r.status).toBe(200);
    return r.text;
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // An HTTP-only app process (WORKERS=off) with the WeCom callback on: queues exist, nothing processes them.
    t = await startTestApp({
      env: {
        METRICS_TOKEN,
        WECOM_TOKEN: wecom.token,
        WECOM_AES_KEY: wecom.encodingAESKey,
        WECOM_CORP_ID: wecom.corpId,
        WECOM_REPLAY_WINDOW_S: '0',
      },
      overrides: { redisUrl: redis.url },
      jobs: { runWorkers: false },
    });
    queues = t.system.jobs!.queues;
    const s = t.services;
    await seedHospital(s);
    await receive(s, { billTypeCode: 'YL01', batchCode: freshBatchCode(), startNo: 1, endNo: 1000 });
    await issueToUnit(s, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 });
    await s.users.create(systemActor, {
      username: 'zhang',
      name: '张老师',
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: 'zhangsan',
    } as never);
    await s.users.create(systemActor, { username: 'wang', name: '王工', role: 'engineer', wecomUserId: 'eng-wang' } as never);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('when unit staff ask the bot through the API and WeCom, then bot_messages_total counts them by channel, intent and escalation', async () => {
    expect((await ask('zhangsan', '我们还剩多少票')).intent).toBe('stock.query');
    expect((await ask('zhangsan', '医疗票还有多少张')).intent).toBe('stock.query');
    const handoff = await ask('zhangsan', '转人工');
    expect(handoff).toMatchObject({ intent: 'handoff.human', escalated: true });
    const cb = builder.buildCallback({ fromUser: 'zhangsan', text: '我们还剩多少票' });
    const r = await t.call('POST', `/wecom/callback?${cb.queryString}`, { raw: cb.body, headers: { 'content-type': 'text/xml' } });
    expect(r.status).toBe(200);
    expect(r.text).toContain('<Encrypt>');

    const text = await scrape();
    expect(sample(text, 'bot_messages_total', { channel: 'api', intent: 'stock.query', escalated: 'false' })).toBe(2);
    expect(sample(text, 'bot_messages_total', { channel: 'api', intent: 'handoff.human', escalated: 'true' })).toBe(1);
    expect(sample(text, 'bot_messages_total', { channel: 'wecom', intent: 'stock.query', escalated: 'false' })).toBe(1);
    expect(sample(text, 'bot_messages_total', { channel: 'wecom', intent: 'handoff.human', escalated: 'true' })).toBeUndefined();
    expect(sample(text, 'bot_answer_seconds_count', { channel: 'api' })).toBe(3);
    expect(sample(text, 'bot_answer_seconds_count', { channel: 'wecom' })).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/bot/messages', status: '200' })).toBe(3);
  });

  it('when Redis is up, then queue sizes per queue and state and the outbox by status are served', async () => {
    await queues.notifications.add({ probe: true }, { delay: 60_000 });
    await queues.sla.add({ probe: true });
    const text = await scrape();
    expect(/^queue_stats_up 1$/m.test(text)).toBe(true);
    expect(sample(text, 'queue_jobs', { queue: 'notifications', state: 'delayed' })).toBe(1);
    expect(sample(text, 'queue_jobs', { queue: 'sla', state: 'waiting' })).toBe(1);
    expect(sample(text, 'queue_jobs', { queue: 'summaries', state: 'failed' })).toBe(0);
    // The hand-off above notified the engineer through the outbox (relayed to the queue, not sent: WeCom is off).
    expect(
      (sample(text, 'outbox_messages', { status: 'pending' }) ?? 0) + (sample(text, 'outbox_messages', { status: 'queued' }) ?? 0),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'outbox_messages', { status: 'failed' })).toBe(0);
    expect(sample(text, 'outbox_messages', { status: 'expired' })).toBe(0);
  });

  it('when Redis is down, then /metrics still answers at once, without queue sizes and with queue_stats_up 0', async () => {
    await redis.stop();
    const started = Date.now();
    const text = await scrape();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(/^queue_stats_up 0$/m.test(text)).toBe(true);
    expect(sample(text, 'queue_jobs', { queue: 'notifications', state: 'delayed' })).toBeUndefined();
    expect(
      (sample(text, 'outbox_messages', { status: 'pending' }) ?? 0) + (sample(text, 'outbox_messages', { status: 'queued' }) ?? 0),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'bot_messages_total', { channel: 'api', intent: 'stock.query', escalated: 'false' })).toBe(2);
  });
});
