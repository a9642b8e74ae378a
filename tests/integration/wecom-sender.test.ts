import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WecomApiError } from '../../src/bot/channels/wecom/api';
import { makeWecomClient } from '../../src/bot/channels/wecom/client';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { makeWecomRobot } from '../../src/bot/channels/wecom/robot';
import { makeWecomSender } from '../../src/bot/channels/wecom/sender';
import { PermanentSendError, type MessageSender } from '../../src/domain/outbox/outbox.types';
import { makeLogger } from '../../src/logger';

const corp = { corpId: 'wwsendercorp', corpSecret: 'sender-secret', agentId: '1000002' };
const logger = makeLogger('silent');

describe('WeCom MessageSender adapter', () => {
  let fake: FakeWecom;
  let sender: MessageSender;
  beforeAll(async () => {
    fake = await startFakeWecom({ ...corp, robotKeys: ['ops-key'], members: ['zhangsan', 'eng-wang'] });
    const client = makeWecomClient({ apiBase: fake.url, ...corp, logger, sleep: async () => undefined, maxRetries: 1 });
    sender = makeWecomSender({
      client,
      robots: { ops: makeWecomRobot({ apiBase: fake.url, key: 'ops-key', logger, sleep: async () => undefined }) },
      logger,
    });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => fake?.stop());

  it('when an app text, a long text and a template card are sent, then WeCom receives them in its own shapes', async () => {
    await sender.send({ channel: 'app', toUsers: ['zhangsan'], kind: 'text', content: '【工单 #1 工程师回复】请重新登录' });
    await sender.send({ channel: 'app', toUsers: ['zhangsan'], kind: 'text', content: '很长的回复。'.repeat(300) });
    await sender.send({
      channel: 'app',
      toUsers: ['eng-wang'],
      kind: 'template_card',
      card: {
        card_type: 'button_interaction',
        main_title: { title: '工单 #1' },
        task_id: 'ticket-1-new',
        button_list: [{ text: '认领', key: 'claim:1' }],
      },
    });
    const [text, ...rest] = fake.received.messages;
    expect(text).toMatchObject({ msgtype: 'text', touser: ['zhangsan'], body: { text: { content: '【工单 #1 工程师回复】请重新登录' } } });
    expect(rest.filter((m) => m.msgtype === 'text').length).toBeGreaterThan(1);
    expect(rest.at(-1)).toMatchObject({ msgtype: 'template_card', touser: ['eng-wang'] });
  });

  it('when a robot message is sent, then the group robot receives markdown', async () => {
    await sender.send({ channel: 'robot', robot: 'ops', kind: 'markdown', content: '**故障**：票据系统无法访问' });
    expect(fake.received.robot).toHaveLength(1);
    expect(fake.received.robot[0]).toMatchObject({ key: 'ops-key', msgtype: 'markdown' });
  });

  it('when the recipient, robot or payload cannot work, then PermanentSendError (no retry)', async () => {
    await expect(sender.send({ channel: 'app', toUsers: ['nobody'], kind: 'text', content: 'x' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    await expect(sender.send({ channel: 'robot', robot: 'unknown', kind: 'text', content: 'x' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    await expect(
      sender.send({ channel: 'robot', robot: 'ops', kind: 'textcard', title: 't', description: 'd', url: 'https://x.example' }),
    ).rejects.toBeInstanceOf(PermanentSendError);
    await expect(
      sender.send({ channel: 'app', toUsers: ['zhangsan'], kind: 'template_card', card: { card_type: 'button_interaction' } }),
    ).rejects.toBeInstanceOf(PermanentSendError);
    const noApp = makeWecomSender({ logger });
    await expect(noApp.send({ channel: 'app', toUsers: ['zhangsan'], kind: 'text', content: 'x' })).rejects.toBeInstanceOf(
      PermanentSendError,
    );
    expect(fake.received.messages).toHaveLength(0);
  });

  it('when WeCom is over its rate limit, then a retryable error is thrown for the queue’s back-off', async () => {
    fake.failNext('rate-limit');
    const err = await sender.send({ channel: 'app', toUsers: ['zhangsan'], kind: 'text', content: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomApiError);
    expect(err).not.toBeInstanceOf(PermanentSendError);
    expect((err as WecomApiError).errcode).toBe(45009);
  });
});
