import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { seedHospital } from '../helpers/bot-fixtures';
import { freshBatchCode, receive } from '../helpers/ledger-fixtures';
import { startWecomApp, type WecomApp } from '../helpers/wecom-app';

/**
 * Through the real encrypted /wecom/callback and the fake WeCom: a unit applies by chat, confirms
 * on the card, an operator approves and issues from the review card, every copy is updated in
 * place, the unit receives its ranges; and a write-off by chat the same way.
 */
describe('WeCom chat-ops end to end', () => {
  let w: WecomApp;
  let staffToken: string;
  let batch: string;
  const keyOf = (card: { button_list: Array<{ key: string; text: string }> }, text: string) =>
    card.button_list.find((b) => b.text === text)!.key;
  const doc = (docNo: string) => w.t.ds.getRepository(BillDocument).findOneByOrFail({ docNo });

  beforeAll(async () => {
    w = await startWecomApp();
    await seedHospital(w.t.services);
    batch = freshBatchCode();
    await receive(w.t.services, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 10_000 });
    staffToken = await w.t.userToken('unit_staff', { unitCode: 'H2', username: 'zhang', wecomUserId: 'h2zhang' });
    await w.t.userToken('unit_staff', { unitCode: 'H2', username: 'li', wecomUserId: 'h2li' });
    await w.t.userToken('operator', { username: 'wang', wecomUserId: 'opwang' });
    await w.t.userToken('operator', { username: 'zhao', wecomUserId: 'opzhao' });
  });
  afterAll(async () => w?.close());

  it('unit applies by chat → 确认提交 → operators get the card → one presses 通过并发放 → the other’s copy is updated → the unit gets its ranges → stock moved', async () => {
    const answer = await w.say('h2zhang', '帮我申领医疗票2000份');
    expect(answer).toContain('2000 份');
    expect(answer).toContain('确认提交');
    await w.drain();
    const draft = w.cardsTo('h2zhang').at(-1)!;
    expect(draft.button_list.map((b) => b.text)).toEqual(['确认提交', '取消']);

    const confirmed = await w.press('h2zhang', draft.task_id, keyOf(draft, '确认提交'));
    const docNo = /SL-\d{4}-\d{6}/.exec(confirmed)![0];
    expect((await doc(docNo)).status).toBe('submitted');
    await w.drain();
    // The member's own copy now shows the document number instead of the buttons.
    expect(w.fake.cardCopy(draft.task_id, 'h2zhang')?.replacedBy).toBe(`已提交 ${docNo}`);

    const review = w.cardsTo('opwang').at(-1)!;
    expect(w.cardsTo('opzhao').at(-1)?.task_id).toBe(review.task_id);
    expect(review.main_title.title).toContain(docNo);
    expect(review.button_list.map((b) => b.text)).toEqual(['通过', '通过并发放', '退回']);

    const approved = await w.press('opwang', review.task_id, keyOf(review, '通过并发放'));
    expect(approved).toContain('已审核通过并发放');
    await w.drain();
    expect(w.fake.cardCopy(review.task_id, 'opwang')?.replacedBy).toMatch(/^已通过并发放（wang）/);
    expect(w.fake.cardCopy(review.task_id, 'opzhao')?.replacedBy).toMatch(/^已通过并发放（wang）/);
    // The other operator's copy has no buttons left: no second approval.
    expect(() => w.fake.pressButton({ user: 'opzhao', taskId: review.task_id, key: keyOf(review, '通过') })).toThrow(/no button/);

    for (const member of ['h2zhang', 'h2li']) expect(w.textsTo(member).join('\n')).toContain(`${batch} 0000001-0002000`);
    expect((await doc(docNo)).status).toBe('issued');
    const stock = await w.t.call('GET', '/api/v1/stock?unitCode=H2', { token: staffToken });
    expect(stock.body.total).toBe(2000);
    expect(w.fake.received.rejected.filter((r) => r.path.includes('update_template_card'))).toEqual([]);
  });

  it('a pressed button retried by WeCom (same sender, time and key) acts once', async () => {
    await w.say('h2zhang', '申领医疗票100份');
    await w.drain();
    const draft = w.cardsTo('h2zhang').at(-1)!;
    const cb = w.fake.pressButton({ user: 'h2zhang', taskId: draft.task_id, key: keyOf(draft, '确认提交') });
    const [a, b] = await Promise.all([w.post(cb), w.post(cb)]);
    expect([a, b].filter((x) => x.includes('已提交申领单'))).toHaveLength(1);
    expect([a, b].filter((x) => x === '')).toHaveLength(1);
  });

  it('a write-off by chat: ranges → card → 确认提交 → operator 通过 → the unit is told', async () => {
    const answer = await w.say('h2zhang', '核销 医疗票 已用 0000001-0000300 作废 0000301-0000305');
    expect(answer).toContain('合计 305 份');
    await w.drain();
    const draft = w.cardsTo('h2zhang').at(-1)!;
    const confirmed = await w.press('h2zhang', draft.task_id, keyOf(draft, '确认提交'));
    const docNo = /HX-\d{4}-\d{6}/.exec(confirmed)![0];
    await w.drain();
    const review = w.cardsTo('opzhao').at(-1)!;
    expect(review.main_title.title).toContain(docNo);
    expect(review.button_list.map((b) => b.text)).toEqual(['通过', '退回']);
    expect(await w.press('opzhao', review.task_id, keyOf(review, '通过'))).toContain('已审核通过核销单');
    await w.drain();
    expect(w.fake.cardCopy(review.task_id, 'opwang')?.replacedBy).toMatch(/^已通过（zhao）/);
    expect((await doc(docNo)).status).toBe('approved');
    expect(w.textsTo('h2zhang').join('\n')).toContain(`核销单 ${docNo} 已由财政局审核通过`);
  });
});
