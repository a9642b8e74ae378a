import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settleCardIn } from '../../src/domain/cards/card.service';
import { BotCard } from '../../src/domain/cards/card.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { startWecomApp, type WecomApp } from '../helpers/wecom-app';

/** The card plumbing: fake WeCom's update_template_card and ResponseCodes, card records, the outbox kind, the button dispatcher. */
describe('button cards: records, ResponseCodes and in-place updates', () => {
  let w: WecomApp;
  const card = (taskId: string) => w.t.ds.getRepository(BotCard).findOneByOrFail({ taskId });
  const openReview = async (recipients: string[]) =>
    w.t.services.cards.open({
      kind: 'review',
      action: 'test.review',
      recipients,
      view: { title: '测试审批', lines: ['单位：测试单位', '数量：10 份'], buttons: [{ key: 'nosuch:{task}', text: '通过' }] },
    });

  beforeAll(async () => {
    w = await startWecomApp();
    for (const [username, wecomUserId] of [
      ['op1', 'op-one'],
      ['op2', 'op-two'],
    ])
      await w.t.services.users.create(systemActor, { username, name: username, role: 'operator', wecomUserId } as never);
  });
  afterAll(async () => w?.close());

  it('when a card is sent, then each copy has its own ResponseCode and the send code is kept on the card record', async () => {
    const { card: opened, view } = await openReview(['op-one', 'op-two']);
    expect(view.buttons[0].key).toBe(`nosuch:${opened.taskId}`);
    expect(await w.drain()).toBe(1);
    expect(w.cardsTo('op-one').at(-1)?.task_id).toBe(opened.taskId);
    const rec = await card(opened.taskId);
    expect(rec.codes).toEqual([expect.objectContaining({ users: ['op-one', 'op-two'], used: false })]);
    const one = w.fake.cardCopy(opened.taskId, 'op-one')!;
    const two = w.fake.cardCopy(opened.taskId, 'op-two')!;
    expect(one.responseCode).not.toBe(two.responseCode);
  });

  it('when two codes arrive at the same moment (a press and the relay), then both are kept', async () => {
    const { card: opened } = await openReview(['op-one', 'op-two']);
    const at = w.t.clock.now().toISOString();
    await Promise.all([
      w.t.system.store.read.cards.keepCode(opened.taskId, { code: 'code-a', users: ['op-one'], at, used: false }),
      w.t.system.store.read.cards.keepCode(opened.taskId, { code: 'code-b', users: ['op-two'], at, used: false }),
      w.t.system.store.read.cards.keepCode(opened.taskId, { code: 'code-a', users: ['op-one'], at, used: false }),
    ]);
    expect((await card(opened.taskId)).codes.map((c) => c.code).sort()).toEqual(['code-a', 'code-b']);
    await w.drain();
  });

  it('when a card settles, then every copy is updated once through the outbox and a later press only says what happened', async () => {
    const { card: opened } = await openReview(['op-one', 'op-two']);
    await w.drain();
    // op-one presses a button the dispatcher does not know: the code is not kept, nothing acts.
    expect(await w.press('op-one', opened.taskId, `nosuch:${opened.taskId}`)).toContain('按钮已失效');
    const before = w.fake.received.cardUpdates.length;
    const settled = await w.t.system.store.transaction((tx) =>
      settleCardIn(tx, opened, { to: 'acted', actor: null, outcome: '已通过（测试）', now: w.t.clock.now() }),
    );
    expect(settled).toBe(true);
    // A second settle (another operator at the same moment) loses.
    expect(
      await w.t.system.store.transaction((tx) =>
        settleCardIn(tx, opened, { to: 'acted', actor: null, outcome: 'x', now: w.t.clock.now() }),
      ),
    ).toBe(false);
    await w.drain();
    const updates = w.fake.received.cardUpdates.slice(before);
    expect(updates).toEqual([
      expect.objectContaining({ taskId: opened.taskId, userids: ['op-one', 'op-two'], replaceName: '已通过（测试）' }),
    ]);
    expect(w.fake.cardCopy(opened.taskId, 'op-two')?.replacedBy).toBe('已通过（测试）');
    const row = await w.t.ds
      .getRepository(OutboxMessage)
      .findOneByOrFail({ dedupeKey: `card-${opened.taskId}-${updates[0].responseCode.slice(-24)}` });
    expect(row.status).toBe('sent');
    // The update expires with its code (72 h after WeCom handed it out).
    expect(row.expiresAt!.getTime() - w.t.clock.now().getTime()).toBe(72 * 3600_000);
  });

  it('when WeCom is down, then the card update waits in the outbox and goes out later', async () => {
    const { card: opened } = await openReview(['op-two']);
    await w.drain();
    w.fake.failNext('http-500', 10);
    await w.t.system.store.transaction((tx) =>
      settleCardIn(tx, opened, { to: 'acted', actor: null, outcome: '已退回', now: w.t.clock.now() }),
    );
    const before = w.fake.received.cardUpdates.length;
    await w.drain();
    expect(w.fake.received.cardUpdates.length).toBe(before);
    const pending = await w.t.ds.getRepository(OutboxMessage).findOneOrFail({ where: {}, order: { id: 'DESC' } });
    expect(pending).toMatchObject({ status: 'pending', message: { kind: 'card_update', toUsers: ['op-two'] } });
    expect(pending.attempts).toBeGreaterThan(0);
    w.fake.reset();
    expect(await w.drain()).toBe(1);
    expect(w.fake.cardCopy(opened.taskId, 'op-two')?.replacedBy).toBe('已退回');
  });

  it('when a settled card is pressed through POST /bot/buttons or the callback, then nothing acts and the outcome is told', async () => {
    const { card: opened } = await openReview(['op-one']);
    await w.drain();
    await w.t.system.store.transaction((tx) =>
      settleCardIn(tx, opened, { to: 'acted', actor: null, outcome: '已通过', now: w.t.clock.now() }),
    );
    const admin = await w.t.call('POST', '/api/v1/bot/buttons', { token: w.t.adminToken, body: { key: `nosuch:${opened.taskId}` } });
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual({ reply: expect.stringContaining('按钮已失效'), card: null });
    expect(await w.press('op-one', opened.taskId, `nosuch:${opened.taskId}`)).toContain('按钮已失效');
    const bad = await w.t.call('POST', '/api/v1/bot/buttons', { token: w.t.adminToken, body: { key: '' } });
    expect(bad.status).toBe(400);
  });
});

describe('fake WeCom update_template_card', () => {
  let w: WecomApp;
  beforeAll(async () => {
    w = await startWecomApp();
  });
  afterAll(async () => w?.close());

  async function call(body: unknown, token?: string) {
    const tok =
      token ??
      (
        (await (await fetch(`${w.fake.url}/cgi-bin/gettoken?corpid=wwcardscorp&corpsecret=cards-secret-value`)).json()) as {
          access_token: string;
        }
      ).access_token;
    const res = await fetch(`${w.fake.url}/cgi-bin/message/update_template_card?access_token=${tok}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    return (await res.json()) as { errcode: number; errmsg: string };
  }

  it('accepts a ResponseCode once, within 72 h, for the copies it covers, and records what it received', async () => {
    await w.t.services.cards.open({
      kind: 'review',
      action: 'fake.check',
      recipients: ['a1', 'a2'],
      view: { title: '卡片', lines: [], buttons: [{ key: 'k:{task}', text: '通过' }] },
    });
    await w.drain();
    const task = w.cardsTo('a1')[0].task_id;
    const mine = w.fake.cardCopy(task, 'a1')!.responseCode;
    const cb = w.fake.pressButton({ user: 'a1', taskId: task, key: `k:${task}` });
    expect(cb.plaintext).toContain(`<ResponseCode><![CDATA[${mine}]]></ResponseCode>`);
    expect(cb.plaintext).toContain('<Event><![CDATA[template_card_event]]></Event>');
    const base = { agentid: 1000002, response_code: mine, button: { replace_name: '已处理' } };
    expect((await call({ ...base, userids: ['a2'] })).errcode).toBe(40031);
    expect((await call({ ...base, userids: ['a1'], agentid: 999 })).errcode).toBe(40056);
    expect((await call({ ...base, userids: ['a1'], response_code: 'nope' })).errcode).toBe(40125);
    expect((await call({ ...base, userids: ['a1'] }, 'badtoken')).errcode).toBe(40014);
    expect((await call({ userids: ['a1'], agentid: 1000002, response_code: mine })).errcode).toBe(40058);
    expect((await call({ ...base, userids: ['a1'] })).errcode).toBe(0);
    expect((await call({ ...base, userids: ['a1'] })).errmsg).toMatch(/already used/);
    expect(w.fake.cardCopy(task, 'a1')?.replacedBy).toBe('已处理');
    expect(w.fake.received.cardUpdates.at(-1)).toMatchObject({ taskId: task, userids: ['a1'], replaceName: '已处理' });
    // A pressed copy that was updated has no buttons left to press.
    expect(() => w.fake.pressButton({ user: 'a1', taskId: task, key: `k:${task}` })).toThrow(/no button/);
    // The send's code covers both copies, but not after 72 hours.
    const wide = (await w.t.ds.getRepository(BotCard).findOneByOrFail({ taskId: task })).codes[0].code;
    w.t.clock.advance(72 * 3600_000 + 1000);
    expect((await call({ ...base, response_code: wide, userids: ['a2'] })).errmsg).toMatch(/expired/);
  });
});
