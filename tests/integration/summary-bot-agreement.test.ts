import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedHospital } from '../helpers/bot-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Issue 10, item 9: the weekly summary counts the bot's questions, escalations and containment from
// the exchange log the bot writes — the same turns that opened the bot's tickets — so the figures agree.
describe('the weekly summary counts the bot from its exchange log', () => {
  let t: TestApp;
  const asked: Array<{ escalated: boolean; intent: string; ticketId: number | null }> = [];

  beforeAll(async () => {
    // Wednesday 2026-03-11 10:00 Shanghai; the summary of the week containing it is run on the Friday.
    t = await startTestApp({ now: '2026-03-11T02:00:00Z' });
    await seedHospital(t.services);
    const a = await t.userToken('unit_staff', { unitCode: 'H2', wecomUserId: 'zhangsan' });
    const b = await t.userToken('unit_staff', { unitCode: 'H2', wecomUserId: 'lisi' });
    const texts: Array<[string, string]> = [
      [a, '我们还剩多少票'],
      [a, '票据管理科电话多少'],
      [a, '一次最多能领多少医疗票'],
      [a, '转人工'],
      [b, '怎么申领票据'],
      [b, '转人工'],
      [b, '有没有逾期没核销的票'],
    ];
    // An engineer's command goes through the bot too, but is not a question: the summary leaves it out.
    const engineer = await t.userToken('engineer', { wecomUserId: 'zhanggong' });
    const cmd = await t.call('POST', '/api/v1/bot/messages', { token: engineer, body: { text: '#99999 回复 已处理' } });
    expect(cmd.status, cmd.text).toBe(200);
    expect(cmd.body.intent).toBe('engineer.command');
    for (const [token, text] of texts) {
      t.clock.advance(40 * 60_000);
      const r = await t.call('POST', '/api/v1/bot/messages', { token, body: { text } });
      expect(r.status, r.text).toBe(200);
      asked.push(r.body);
    }
  }, 60_000);
  afterAll(() => t?.close());

  it('when the week is summarised, then questions, escalations, bot tickets and containment equal what the bot did', async () => {
    const escalations = asked.filter((x) => x.escalated);
    expect(escalations).toHaveLength(2);
    const tickets = new Set(escalations.map((x) => x.ticketId));
    const unanswered = asked.filter((x) => x.escalated || x.intent === 'None').length;

    const leader = await t.userToken('leader');
    const r = await t.call('POST', '/api/v1/summaries/weekly/run', { token: leader, body: { periodEnd: '2026-03-13' } });
    expect(r.status, r.text).toBe(200);
    const f = r.body.figures.current;
    expect(f.bot).toMatchObject({
      questions: asked.length,
      escalated: escalations.length,
      answered: asked.length - unanswered,
      containmentRate: Math.round(((asked.length - unanswered) / asked.length) * 10_000) / 10_000,
    });
    expect(f.tickets.bySource).toContainEqual(expect.objectContaining({ key: 'bot', count: tickets.size }));
    expect(r.body.markdown).toContain(`提问 ${asked.length}`);
    expect(r.body.markdown).toContain(`转人工 ${escalations.length}`);
    expect(r.body.markdown).not.toContain('数据暂缺');
  });
});
