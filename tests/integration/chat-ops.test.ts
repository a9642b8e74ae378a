import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotCard } from '../../src/domain/cards/card.entity';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { seedHospital } from '../helpers/bot-fixtures';
import { freshBatchCode, issueToUnit, receive, setCap } from '../helpers/ledger-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

interface Card {
  title: string;
  lines: string[];
  buttons: Array<{ key: string; text: string }>;
}
interface Said {
  reply: string;
  intent: string;
  card: Card | null;
}

/** Unit staff act by chat (申领, 撤回, 核销) and operators review from cards, through POST /bot/messages and /bot/buttons. */
describe('chat-ops: drafts, confirmation cards and review cards', () => {
  let t: TestApp;
  let staff: string;
  let colleague: string;
  let op1: string;
  let op2: string;
  let batch: string;

  const say = async (token: string, text: string): Promise<Said> => {
    const r = await t.call('POST', '/api/v1/bot/messages', { token, body: { text } });
    expect(r.status).toBe(200);
    return r.body as Said;
  };
  const press = async (token: string, key: string): Promise<{ reply: string; card: Card | null }> => {
    const r = await t.call('POST', '/api/v1/bot/buttons', { token, body: { key } });
    expect(r.status).toBe(200);
    return r.body as { reply: string; card: Card | null };
  };
  const key = (card: Card | null, text: string) => card!.buttons.find((b) => b.text === text)!.key;
  const docs = (docType: string) => t.ds.getRepository(BillDocument).find({ where: { docType: docType as never }, order: { id: 'ASC' } });
  const reviewCard = async (documentId: number) =>
    t.ds.getRepository(BotCard).findOneOrFail({ where: { kind: 'review', documentId }, order: { id: 'DESC' } });

  beforeAll(async () => {
    t = await startTestApp();
    await seedHospital(t.services);
    batch = freshBatchCode();
    await receive(t.services, { billTypeCode: 'YL01', batchCode: batch, startNo: 1, endNo: 20_000 });
    staff = await t.userToken('unit_staff', { unitCode: 'H2', username: 'h2-zhang', wecomUserId: 'h2zhang' });
    colleague = await t.userToken('unit_staff', { unitCode: 'H2', username: 'h2-li', wecomUserId: 'h2li' });
    op1 = await t.userToken('operator', { username: 'op-wang', wecomUserId: 'opwang' });
    op2 = await t.userToken('operator', { username: 'op-zhao', wecomUserId: 'opzhao' });
  });
  afterAll(async () => t?.close());

  it('when unit staff ask for bills in any wording, then they see what would be submitted and a 确认提交/取消 card, and nothing is filed yet', async () => {
    for (const text of ['帮我申领医疗票2000份', '申领两千张医疗票', '领2千份医疗票', '我们医院医疗票快用完了，麻烦申请领用两千份']) {
      const r = await say(staff, text);
      expect(r.intent, text).toBe('application.submit');
      expect(r.reply).toContain('2000 份');
      expect(r.card?.buttons.map((b) => b.text)).toEqual(['确认提交', '取消']);
      expect(r.card?.lines).toContain('数量：2000 份');
    }
    expect(await docs('application')).toHaveLength(0);
  });

  it('when 确认提交 is pressed, then the application is filed through the API’s service, the card shows the number, a second press does nothing', async () => {
    const r = await say(staff, '帮我申领医疗票2000份');
    const done = await press(staff, key(r.card, '确认提交'));
    const [app] = await docs('application');
    expect(app).toMatchObject({ status: 'submitted', quantity: 2000 });
    expect(done.reply).toContain(app.docNo);
    expect(done.card?.buttons).toEqual([]);
    expect(done.card?.lines.at(-1)).toBe(`结果：已提交 ${app.docNo}`);
    const again = await press(staff, key(r.card, '确认提交'));
    expect(again.reply).toContain('无需重复操作');
    expect(await docs('application')).toHaveLength(1);
    // The bureau's operators got a review card with the checks and 通过并发放 (the warehouse holds 20 000).
    const review = await reviewCard(app.id);
    expect(review.recipients.sort()).toEqual(['opwang', 'opzhao']);
    const sent = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `card-${review.taskId}-send` });
    const card = JSON.stringify(sent.message);
    expect(card).toContain('通过并发放');
    expect(card).toContain('分次限量');
    expect(card).toContain('核旧领新');
    expect(card).toContain('财政库存');
  });

  it('when another member presses someone’s draft, or the draft is older than 30 minutes, then nothing is filed', async () => {
    const before = (await docs('application')).length;
    const r = await say(staff, '申领医疗票100份');
    const other = await press(colleague, key(r.card, '确认提交'));
    expect(other.reply).toContain('只有发起人本人');
    expect(await press(op1, key(r.card, '确认提交'))).toMatchObject({ reply: expect.stringContaining('只有发起人本人') });
    t.clock.advance(31 * 60_000);
    const late = await press(staff, key(r.card, '确认提交'));
    expect(late.reply).toContain('30 分钟');
    expect((await docs('application')).length).toBe(before);
    expect((await press(staff, key(r.card, '确认提交'))).reply).toContain('无需重复操作');
    const c = await say(staff, '申领医疗票100份');
    expect((await press(staff, key(c.card, '取消'))).reply).toContain('已取消');
    expect((await press(staff, key(c.card, '确认提交'))).reply).toContain('无需重复操作');
    expect((await docs('application')).length).toBe(before);
  });

  it('when a rule blocks the application (分次限量), then the reply names it and offers no card', async () => {
    await setCap(t.services, 'H2', 'YL01', 1000);
    const r = await say(staff, '帮我申领医疗票2000份');
    expect(r.intent).toBe('application.submit');
    expect(r.card).toBeNull();
    expect(r.reply).toContain('暂不能提交');
    expect(r.reply).toMatch(/1000/);
    await setCap(t.services, 'H2', 'YL01', null);
  });

  it('when an operator presses 通过并发放, then the application is issued, the unit is told the ranges and the other operator’s press does nothing', async () => {
    const [app] = await docs('application');
    const review = await reviewCard(app.id);
    const r = await press(op1, `approve_issue:${review.taskId}`);
    expect(r.reply).toContain('已审核通过并发放');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: app.id })).status).toBe('issued');
    expect((await press(op2, `approve:${review.taskId}`)).reply).toContain('无需重复操作');
    const notice = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `unit-application-${app.id}-issued` });
    expect(notice.message).toMatchObject({ toUsers: ['h2zhang', 'h2li'], kind: 'text' });
    expect(JSON.stringify(notice.message)).toContain(`${batch} 0000001-0002000`);
    expect(JSON.stringify(notice.message)).toContain(`/m/applications/${app.id}`);
    const stock = await t.call('GET', '/api/v1/stock?unitCode=H2', { token: staff });
    expect(stock.body.total).toBe(2000);
  });

  it('when the maker of a document presses 通过, then separation of duties refuses it in Chinese and the card stays open for another operator', async () => {
    const made = await t.call('POST', '/api/v1/applications', { token: op1, body: { unitCode: 'H2', billTypeCode: 'YL01', quantity: 10 } });
    expect(made.status).toBe(201);
    const review = await reviewCard(made.body.id);
    const refused = await press(op1, `approve:${review.taskId}`);
    expect(refused.reply).toMatch(/[\u4e00-\u9fa5]/);
    expect((await t.ds.getRepository(BotCard).findOneByOrFail({ id: review.id })).state).toBe('open');
    expect((await press(op2, `approve:${review.taskId}`)).reply).toContain('已审核通过');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: made.body.id })).status).toBe('approved');
  });

  it('when an operator presses 退回, then the opinion is asked for, and `#SL-… 退回 原因` returns it and tells the unit', async () => {
    const r = await say(staff, '申领医疗票300份');
    await press(staff, key(r.card, '确认提交'));
    const app = (await docs('application')).at(-1)!;
    const review = await reviewCard(app.id);
    expect((await press(op1, `return:${review.taskId}`)).reply).toContain(`#${app.docNo} 退回`);
    expect((await say(op1, `#${app.docNo} 退回`)).reply).toContain('请写明退回原因');
    const done = await say(op1, `#${app.docNo} 退回 数量超出本季度用量`);
    expect(done.reply).toContain('已退回');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: app.id })).status).toBe('returned');
    expect((await t.ds.getRepository(BotCard).findOneByOrFail({ id: review.id })).state).toBe('acted');
    const notices = await t.ds.getRepository(OutboxMessage).find();
    expect(notices.some((n) => JSON.stringify(n.message).includes('退回意见：数量超出本季度用量'))).toBe(true);
    expect((await press(op2, `approve:${review.taskId}`)).reply).toContain('无需重复操作');
  });

  it('when unit staff withdraw an application by chat, then it goes back to draft after 确认提交 and its review card stops acting', async () => {
    const r = await say(staff, '申领医疗票200份');
    await press(staff, key(r.card, '确认提交'));
    const app = (await docs('application')).at(-1)!;
    const w = await say(staff, `撤回申领 ${app.docNo}`);
    expect(w.intent).toBe('application.withdraw');
    expect(w.card?.lines).toContain(`单号：${app.docNo}`);
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: app.id })).status).toBe('submitted');
    expect((await press(staff, key(w.card, '确认提交'))).reply).toContain('已撤回');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: app.id })).status).toBe('draft');
    const review = await reviewCard(app.id);
    expect(review.state).toBe('closed');
    expect((await press(op1, `approve:${review.taskId}`)).reply).toContain('无需重复操作');
  });

  it('when unit staff report a write-off by chat, then bad ranges change nothing and good ones are filed on 确认提交', async () => {
    for (const bad of [
      '核销 医疗票 已用 0005001-0005100',
      '核销 医疗票 已用 0000300-0000001',
      '核销 医疗票 已用 00000000001-00000000002',
    ]) {
      const r = await say(staff, bad);
      expect(r.intent, bad).toBe('writeoff.submit');
      expect(r.card, bad).toBeNull();
      expect(r.reply, bad).toContain('没有提交任何内容');
    }
    expect(await docs('writeoff')).toHaveLength(0);
    const r = await say(staff, '核销 医疗票 已用 0000001-0000300 作废 0000301-0000305');
    expect(r.card?.lines).toEqual(expect.arrayContaining(['已开：0000001-0000300', '作废：0000301-0000305', '合计：305 份']));
    expect((await press(staff, key(r.card, '确认提交'))).reply).toContain('已提交核销单');
    const [wo] = await docs('writeoff');
    expect(wo).toMatchObject({ status: 'submitted', quantity: 305 });
    const review = await reviewCard(wo.id);
    expect((review.payload.view as Card).lines).toEqual(expect.arrayContaining(['已开：0000001-0000300']));
    expect((await press(op1, `approve:${review.taskId}`)).reply).toContain('已审核通过核销单');
  });

  it('when an application is approved on the workbench, then its review card stops acting and says so', async () => {
    const r = await say(staff, '申领医疗票50份');
    await press(staff, key(r.card, '确认提交'));
    const app = (await docs('application')).at(-1)!;
    expect((await t.call('POST', `/api/v1/applications/${app.id}/approve`, { token: op2, body: {} })).status).toBe(200);
    const review = await reviewCard(app.id);
    expect(review).toMatchObject({ state: 'closed', outcome: '已在工作台审核通过' });
    expect((await press(op1, `approve_issue:${review.taskId}`)).reply).toContain('已在工作台审核通过');
    expect((await t.ds.getRepository(BillDocument).findOneByOrFail({ id: app.id })).status).toBe('approved');
  });

  it('when bureau staff try to apply by chat, then they are pointed to the workbench', async () => {
    const r = await say(op1, '帮我申领医疗票2000份');
    expect(r.card).toBeNull();
    expect(r.reply).toContain('工作台');
  });
});

describe('chat-ops with the warehouse short', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await seedHospital(t.services);
    await receive(t.services, { billTypeCode: 'YL01', batchCode: freshBatchCode(), startNo: 1, endNo: 500 });
    await issueToUnit(t.services, { unitCode: 'H2', billTypeCode: 'YL01', quantity: 100 });
  });
  afterAll(async () => t?.close());

  it('when the warehouse cannot serve the quantity, then the draft says so and the review card has no 通过并发放', async () => {
    const staff = await t.userToken('unit_staff', { unitCode: 'H2', wecomUserId: 'h2wang' });
    await t.userToken('operator', { wecomUserId: 'op1' });
    const r = (await t.call('POST', '/api/v1/bot/messages', { token: staff, body: { text: '申领医疗票1000份' } })).body as Said;
    expect(r.reply).toContain('财政库存暂不足');
    const done = await t.call('POST', '/api/v1/bot/buttons', { token: staff, body: { key: r.card!.buttons[0].key } });
    expect(done.body.reply).toContain('已提交申领单');
    const card = await t.ds.getRepository(BotCard).findOneOrFail({ where: { kind: 'review' }, order: { id: 'DESC' } });
    expect((card.payload.view as Card).buttons.map((b) => b.text)).toEqual(['通过', '退回']);
  });
});
