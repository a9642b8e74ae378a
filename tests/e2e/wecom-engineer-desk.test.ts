import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Consultation } from '../../src/domain/desk/records/consultation.entity';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemActor } from '../../src/domain/identity/actor';
import { botFor } from '../helpers/bot-fixtures';
import { startWecomApp, type WecomApp } from '../helpers/wecom-app';

type Card = {
  task_id: string;
  main_title: { title?: string };
  sub_title_text?: string;
  horizontal_content_list?: Array<{ keyname: string; value?: string }>;
  button_list: Array<{ key: string; text: string }>;
  card_action?: { url?: string };
};
const field = (c: Card, name: string) => c.horizontal_content_list?.find((p) => p.keyname === name)?.value;
const keys = (c: Card) => c.button_list.map((b) => b.text);

describe('through the encrypted WeCom callback: the engineer runs 来电 → 我的工单 → 出发 → 到达 → 解决, a leader asks 本周工单情况', () => {
  let w: WecomApp;
  const UNANSWERABLE = '开具票据时提示号段已被占用';

  beforeAll(async () => {
    w = await startWecomApp(); // Monday 2026-03-02 10:00 in Shanghai
    const { t } = w;
    await botFor(t);
    const s = t.services;
    await s.catalog.createUnit(systemActor, {
      code: 'H2',
      name: '市第二人民医院',
      aliases: ['二院'],
      contactName: '李会计',
      contactPhone: '0759-3220001',
      onboardingStatus: 'online',
    } as never);
    await s.users.create(systemActor, {
      username: 'zhang',
      name: '张老师',
      role: 'unit_staff',
      unitCode: 'H2',
      wecomUserId: 'zhangsan',
    } as never);
    await s.users.create(systemActor, { username: 'wang', name: '王工', role: 'engineer', wecomUserId: 'eng-wang' } as never);
    await s.users.create(systemActor, { username: 'liu', name: '刘工', role: 'engineer', wecomUserId: 'eng-liu' } as never);
    await s.users.create(systemActor, { username: 'chen', name: '陈局', role: 'leader', wecomUserId: 'leader-chen' } as never);
  });
  afterAll(async () => w?.close());

  it('when a unit user follows up on an escalated question, then the engineers get one card and the follow-up as a short text', async () => {
    const { t, fake } = w;
    const first = await w.say('zhangsan', UNANSWERABLE);
    const ticket = await t.ds.getRepository(Ticket).findOneOrFail({ where: { reporterWecomId: 'zhangsan' }, order: { id: 'DESC' } });
    expect(first).toContain(`#${ticket.id}`);
    await w.drain();
    const [card] = w.cardsTo('eng-liu') as Card[];
    expect(card.task_id).toBe(`ticket-${ticket.id}-new`);
    expect(field(card, '电话')).toBe('李会计 0759-3220001');
    expect(field(card, '响应时限')).toBe('03-02 11:00');
    expect(keys(card)).toEqual(['认领', '出发', '已解决']);
    expect(card.card_action?.url).toMatch(new RegExp(`^https?://[^/]+/m/tickets/${ticket.id}$`));
    expect(card.sub_title_text).toContain(UNANSWERABLE.slice(0, 20));

    t.clock.advance(5 * 60_000);
    expect(await w.say('zhangsan', '转人工')).toContain(`#${ticket.id}`);
    await w.drain();
    expect(w.cardsTo('eng-liu')).toHaveLength(1);
    expect(w.cardsTo('eng-wang')).toHaveLength(1);
    expect(w.textsTo('eng-liu').join('\n')).toContain(`工单 #${ticket.id}（市第二人民医院）补充：转人工`);
    expect(fake.received.cardUpdates).toHaveLength(0);
  });

  it('when the engineer logs a call, lists the queue and drives the ticket by card and by text, then clocks, state and every copy of the card follow', async () => {
    const { t, fake } = w;
    fake.reset();
    const logged = await w.say('eng-wang', '来电 二院 李会计 UKey插上没反应，换了电脑也一样 转工单');
    const row = await t.ds.getRepository(Consultation).findOneOrFail({ where: {}, order: { id: 'DESC' } });
    expect(row).toMatchObject({ channel: 'phone', caller: '李会计', question: 'UKey插上没反应，换了电脑也一样', handledByName: 'wang' });
    const id = row.linkedTicketId!;
    expect(logged).toContain(`已转工单 #${id}`);
    expect(await t.ds.getRepository(Ticket).findOneByOrFail({ id })).toMatchObject({
      source: 'phone',
      state: 'new',
      reporterName: '李会计',
    });

    await w.drain();
    const taskId = `ticket-${id}-new`;
    expect((w.cardsTo('eng-liu') as Card[]).map((c) => c.task_id)).toEqual([taskId]);

    const queue = await w.say('eng-wang', '我的工单');
    expect(queue).toContain('待处理工单 2 个（我的 0，未分派 2）');
    expect(queue).toContain(`#${id} 普通·市第二人民医院·未分派`);

    // 出发 on the card: the on-site clock starts; both copies are updated in place (the presser's code and the send's).
    t.clock.advance(10 * 60_000);
    expect(await w.press('eng-wang', taskId, `depart:${id}`)).toContain(`已记录工单 #${id} 派员出发`);
    let tk = await t.ds.getRepository(Ticket).findOneByOrFail({ id });
    expect(tk).toMatchObject({ state: 'in_progress' });
    expect(tk.dispatchedAt?.toISOString()).toBe('2026-03-02T02:15:00.000Z');
    await w.drain();
    expect(fake.received.cardUpdates.map((u) => [...u.userids].sort())).toEqual([['eng-wang'], ['eng-liu']]);
    for (const user of ['eng-wang', 'eng-liu']) {
      const copy = fake.cardCopy(taskId, user)!.card as Card;
      expect(copy.main_title.title).toContain('处理中');
      expect(field(copy, '到场时限')).toBe('03-02 18:15');
      expect(field(copy, '响应时限')).toBe('已响应');
      expect(keys(copy)).toEqual(['到达', '已解决']); // 出发 made wang the handler: nothing left to claim
      expect(field(copy, '提问人')).toBe('李会计｜处理人 王工');
      expect(copy.sub_title_text).toContain('wang 出发');
    }
    expect(w.cardsTo('eng-liu')).toHaveLength(1);

    // 到达 on the card: the arrival is recorded; the presser's copy is updated, the other engineer (code spent) gets a text.
    t.clock.advance(50 * 60_000);
    expect(await w.press('eng-wang', taskId, `arrive:${id}`)).toContain(`已登记工单 #${id} 于 2026-03-02 11:05 到场`);
    tk = await t.ds.getRepository(Ticket).findOneByOrFail({ id });
    expect(tk.arrivedAt?.toISOString()).toBe('2026-03-02T03:05:00.000Z');
    const onsite = await t.ds.getRepository(SlaClock).findOneByOrFail({ ticketId: id, kind: 'onsite' });
    expect(onsite.state).toBe('met');
    await w.drain();
    expect(field(fake.cardCopy(taskId, 'eng-wang')!.card as Card, '到场时限')).toBe('已到场');
    expect(w.textsTo('eng-liu')).toContain(`工单 #${id}：wang 已到场。`);
    expect(w.textsTo('eng-wang').join()).not.toContain('已到场。');

    // 解决 by text: resolved, every clock stopped; nobody gets a second card.
    t.clock.advance(20 * 60_000);
    expect(await w.say('eng-wang', `#${id} 解决 重新安装证书驱动后恢复`)).toContain(`工单 #${id} 已标记为已解决`);
    tk = await t.ds.getRepository(Ticket).findOneByOrFail({ id });
    expect(tk.state).toBe('resolved');
    expect(tk.resolvedAt?.toISOString()).toBe('2026-03-02T03:25:00.000Z');
    const open = await t.ds.getRepository(SlaClock).find({ where: { ticketId: id } });
    expect(open.every((c) => c.stoppedAt !== null)).toBe(true);
    await w.drain();
    expect(w.textsTo('eng-liu')).toContain(`工单 #${id} 已由 wang 解决。`);
    expect(w.cardsTo('eng-liu')).toHaveLength(1);
    expect(w.cardsTo('eng-wang')).toHaveLength(1);
    // Pressing 已解决 on the now-stale copy changes nothing and says why.
    expect(await w.press('eng-liu', taskId, `resolve:${id}`)).toContain('当前为“已解决”');
    await w.drain();
    // Liu's press brought a fresh code: nothing changed, so it is kept for the next change, not spent.
    expect((await t.ds.getRepository(Ticket).findOneByOrFail({ id })).state).toBe('resolved');
    const card = await t.services.cards.ofTicket(id);
    expect(card?.codes.some((c) => !c.used && c.users.includes('eng-liu'))).toBe(true);
  });

  it('when a leader asks 「本周工单情况」 through WeCom, then the figures equal the summary API’s', async () => {
    const { t } = w;
    const leader = await t.login('admin', 'Desk2026test');
    const api = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: { periodEnd: '2026-03-02' } });
    expect(api.status).toBe(200);
    const cur = api.body.figures.current;
    expect(cur.tickets).toMatchObject({ opened: 2, resolved: 1, backlog: 1 });
    const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
    const reply = await w.say('leader-chen', '本周工单情况');
    expect(reply).toContain('本周（03-02 至 03-08');
    expect(reply).toContain(`新建 ${cur.tickets.opened}（`);
    expect(reply).toContain(`解决 ${cur.tickets.resolved}，未结 ${cur.tickets.backlog}`);
    expect(reply).toContain(`SLA 达标率 ${pct(cur.sla.rate)}`);
    expect(reply).toContain(
      `咨询登记 ${cur.consultations.total}；机器人提问 ${cur.bot.questions}，自助解决率 ${pct(cur.bot.containmentRate)}，转人工 ${cur.bot.escalated}`,
    );
    expect(await w.say('zhangsan', '本周工单情况')).toContain('只向财政局工作人员提供');
  });
});
