import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { parseWecomXml } from '../../src/bot/channels/wecom/xml';
import { makeNotificationProcessor } from '../../src/jobs/processors/notification.job';
import { makeLogger } from '../../src/logger';
import { startFakeWecom, type BuiltCallback, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { startTestApp, type TestApp } from './test-app';

export const WECOM_CORP = { corpId: 'wwcardscorp', corpSecret: 'cards-secret-value', agentId: '1000002' };

/**
 * A test app wired to a fake WeCom as a bureau's would be (app messages, callback keys, the
 * fake's clock following the app's), with the outbox drained by hand as a worker would.
 */
export async function startWecomApp(opts: { now?: string } = {}) {
  let clockNow = () => Date.now();
  const fake: FakeWecom = await startFakeWecom({ ...WECOM_CORP, robotKeys: ['ops-key'], now: () => clockNow() });
  const t: TestApp = await startTestApp({
    now: opts.now,
    env: {
      WECOM_CORP_ID: WECOM_CORP.corpId,
      WECOM_SECRET: WECOM_CORP.corpSecret,
      WECOM_AGENT_ID: WECOM_CORP.agentId,
      WECOM_TOKEN: fake.config.token,
      WECOM_AES_KEY: fake.config.encodingAESKey,
      WECOM_REPLAY_WINDOW_S: '0',
    },
    overrides: { wecomApiBase: fake.url },
  });
  clockNow = () => t.clock.now().getTime();
  const outbox = t.system.store.read.outbox;
  const processor = makeNotificationProcessor({ outbox, sender: t.system.sender!, clock: t.clock, logger: makeLogger('silent') });

  /**
   * Sends every due outbox message through the system's own sender to the fake, as a worker with
   * retries left would (a failed send stays pending); returns how many were sent.
   */
  async function drain(): Promise<number> {
    let sent = 0;
    const failed = new Set<number>();
    for (;;) {
      const ids = (await outbox.duePending(t.clock.now(), 100)).filter((id) => !failed.has(id));
      if (ids.length === 0) return sent;
      for (const id of ids) {
        const r = await processor({ data: { outboxId: id }, attemptsMade: 0, opts: { attempts: 5 } } as never).catch(() => 'retry');
        if (r === 'sent') sent++;
        else failed.add(id);
      }
    }
  }

  /** Posts a built callback to /wecom/callback and returns the passive reply's text ('' for an empty 200). */
  async function post(cb: Pick<BuiltCallback, 'queryString' | 'body'>): Promise<string> {
    const res = await fetch(`${t.baseUrl}/wecom/callback?${cb.queryString}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: cb.body,
    });
    if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
    const body = await res.text();
    if (body === '') return '';
    const outer = parseWecomXml(body) as Record<string, string>;
    const crypto = makeWecomCrypto({ token: fake.config.token, encodingAESKey: fake.config.encodingAESKey, receiveId: WECOM_CORP.corpId });
    return (parseWecomXml(crypto.decrypt(outer.Encrypt).message) as Record<string, string>).Content;
  }

  /** A member's text through the encrypted callback; the passive reply's text. */
  const say = (fromUser: string, text: string) => post(fake.buildCallback({ fromUser, text }));

  /** A member presses a button on their copy of a card (template_card_event with their ResponseCode). */
  const press = (user: string, taskId: string, key: string) => post(fake.pressButton({ user, taskId, key }));

  /** Template cards delivered to `user`, oldest first. */
  const cardsTo = (user: string) =>
    fake.received.messages
      .filter((m) => m.msgtype === 'template_card' && m.delivered.includes(user))
      .map(
        (m) =>
          m.body.template_card as { task_id: string; main_title: { title?: string }; button_list: Array<{ key: string; text: string }> },
      );

  /** Texts delivered to `user`, oldest first. */
  const textsTo = (user: string) =>
    fake.received.messages
      .filter((m) => m.msgtype === 'text' && m.delivered.includes(user))
      .map((m) => (m.body.text as { content: string }).content);

  return {
    t,
    fake,
    drain,
    post,
    say,
    press,
    cardsTo,
    textsTo,
    async close() {
      await fake.stop();
      await t.close();
    },
  };
}
export type WecomApp = Awaited<ReturnType<typeof startWecomApp>>;
