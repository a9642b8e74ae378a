import { DateTime } from 'luxon';
import type { Actor } from '../../src/domain/identity/actor';
import type { BotPort } from '../../src/domain/ports/bot';
import { totalCount } from '../../src/domain/ledger/ranges';
import { composeWriteoff, demoAmount, heldRuns, lowestRuns, type DemoContext, type SettableClock } from './demo-ops';
import { DEMO_UNITS } from './demo-units';

const QUESTIONS = [
  '开票软件登录提示证书过期，怎么更新？',
  '电子票据开具后患者收不到短信',
  '核销时系统提示号段不连续',
  '申领的票据什么时候可以领取？',
  '作废票据后还需要上传什么材料？',
  '打印票据时格式错位，金额打到了框外',
  '新来的开票员怎么开通账号？',
  '缴款书的执收单位编码填错了怎么办？',
  '电子票据重复推送了两次',
  '年底结账前票据核销截止是哪天？',
  'UKey 插上后系统识别不到',
  '开票时项目编码查不到',
] as const;
const ANSWERS = [
  '已远程协助处理，请重新登录后再试。',
  '已核实，系统参数已调整，请刷新后重新操作。',
  '操作说明已发到您的企业微信，按步骤处理即可。',
  '已在后台补推，请让交款人查看短信。',
  '号段已核对无误，请按实际使用情况重新填写核销表。',
] as const;
const ONSITE = ['开票电脑重装系统后开票软件无法安装，需要上门处理', '票据打印机驱动异常，多台电脑无法打印票据'] as const;
const CONSULTATIONS: Array<[channel: 'phone' | 'fax' | 'network' | 'walk_in', category: string, question: string]> = [
  ['phone', '票据申领', '医疗收费票据一次最多能申领多少份？'],
  ['phone', '核销', '核销表里的作废票据怎么填？'],
  ['phone', '一般咨询', '票据管理科的办公时间？'],
  ['network', '电子票据', '电子票据能否重复打印纸质版？'],
  ['walk_in', '票据申领', '领购证遗失如何补办？'],
  ['phone', '开票软件', '开票软件升级后需要重新安装证书吗？'],
  ['fax', '核销', '传真报送的核销资料是否有效？'],
  ['network', '一般咨询', '捐赠票据可以跨年使用吗？'],
  ['phone', '票据申领', '申领审批一般需要几天？'],
  ['walk_in', '退票', '机构合并后剩余空白票据如何退回？'],
  ['phone', '电子票据', '电子票据红冲怎么操作？'],
  ['network', '开票软件', '新增收费项目要在哪里维护？'],
  ['phone', '核销', '灭失票据需要登报声明吗？'],
  ['walk_in', '一般咨询', '单位更名后票据怎么处理？'],
  ['phone', '票据申领', '分次限量的额度可以调整吗？'],
];

/** What unit staff ask the bot day to day (answered through the real pipeline, or escalated by it). */
const BOT_QUESTIONS = [
  '我们还剩多少票',
  '医疗票还剩多少',
  '核销审到哪了',
  '我们的申领审到哪了',
  '票据管理科电话多少',
  '财政局地址在哪',
  '最近一次领票是哪天，号码是多少',
  '有没有逾期没核销的票',
  '一次最多能领多少医疗票',
  '怎么申领票据',
  '核销需要准备什么材料',
  'UKey 证书过期了怎么办',
  '电子票据怎么查验真伪',
  '打印票据格式错位怎么办',
  '忘记登录密码怎么办',
] as const;

/** Staff members of online units: who asks the desk. */
const ASKERS = DEMO_UNITS.filter((u) => u.status === 'online' && u.staff).map((u) => ({
  code: u.code,
  username: u.staff!.username,
  name: u.staff!.name,
}));

/**
 * The service desk's last three weeks through the real services: tickets from the bot, the phone
 * and walk-ins with engineer replies (some past the SLA), two on-site visits, consultations, return
 * visits, one 40-minute outage, and last week's write-offs and issuances. The clock jumps between
 * independent items (tickets of different days), never into the future of `now`.
 */
export async function writeServiceDesk(ctx: DemoContext, clock: SettableClock, now: Date, bot?: DemoBot): Promise<void> {
  const { services, rnd } = ctx;
  const engineer = (await services.users.actorForWecom('zhanggong'))!;
  const today = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' }).startOf('day');
  const lastMonday = today.startOf('week').minus({ weeks: 1 });
  const set = (t: DateTime) => clock.set(t.toJSDate());
  const past = (t: DateTime) => t.toMillis() < now.getTime();
  const weekdays = Array.from({ length: 21 }, (_, i) => today.minus({ days: 21 - i })).filter((d) => d.weekday <= 5);

  let n = 0;
  const resolved: number[] = [];
  for (const day of weekdays) {
    for (let k = rnd.pick([1, 2, 2]); k > 0; k--) {
      const who = rnd.pick(ASKERS);
      const source = rnd.pick(['bot', 'bot', 'bot', 'phone', 'phone', 'walk_in'] as const);
      const onsite = n === 3 || n === 14;
      const question = onsite ? ONSITE[n === 3 ? 0 : 1] : rnd.pick(QUESTIONS);
      let t = day.set({ hour: rnd.int(9, 15), minute: rnd.int(0, 59) });
      n++;
      set(t);
      const id = await openTicket(ctx, who, source, question, onsite);
      // About one in four is answered after the hour the contract allows.
      t = t.plus({ minutes: rnd.next() < 0.25 ? rnd.int(75, 150) : rnd.int(6, 45) });
      if (!past(t)) continue;
      set(t);
      await services.tickets.reply(engineer, id, onsite ? '已安排工程师上门处理，请保持电话畅通。' : rnd.pick(ANSWERS));
      if (onsite) {
        set((t = t.plus({ minutes: 10 })));
        await services.tickets.dispatch(engineer, id, '携带备用 UKey 与驱动安装包前往');
        set((t = t.plus({ minutes: rnd.int(90, 200) })));
        await services.tickets.arrive(engineer, id, '已到达现场');
      }
      // Most are settled the same day; a few wait for the unit and finish days later (resolution breached).
      t = rnd.next() < 0.15 ? t.plus({ days: 5 }).set({ hour: 10 }) : t.plus({ minutes: rnd.int(20, 180) });
      if (!past(t) || day >= today.minus({ days: 1 })) continue;
      set(t);
      await services.tickets.resolve(engineer, id, '问题已解决');
      resolved.push(id);
    }
  }
  await returnVisits(ctx, engineer, resolved.slice(0, 6), set, today);
  await consultations(ctx, engineer, weekdays, set);
  await outage(ctx, engineer, lastMonday.plus({ days: 2 }).set({ hour: 14, minute: 10 }), set);
  await ledgerLastWeek(ctx, lastMonday, set);
  // Last, so the history above draws the same random numbers with or without a bot.
  if (bot) await botQuestions(ctx, bot, weekdays, set);
}

async function openTicket(
  ctx: DemoContext,
  who: (typeof ASKERS)[number],
  source: 'bot' | 'phone' | 'walk_in',
  question: string,
  onsite: boolean,
): Promise<number> {
  const { services, actors } = ctx;
  if (source === 'bot') {
    const a = actors.staff.get(who.code)!;
    const { ticket } = await services.tickets.escalate({
      unitId: a.unitId,
      reporterUserId: a.userId,
      reporterWecomId: who.username,
      reporterName: who.name,
      question,
      guesses: [],
      source: 'bot',
      priority: onsite ? 'high' : 'normal',
      category: 'question',
    });
    // The exchange that escalated it, in the same log the bot writes: the summary counts questions,
    // escalations and tickets from one source, so they agree.
    await services.exchangeLog.record({
      channel: 'wecom',
      senderId: who.username,
      messageId: null,
      userId: a.userId,
      callerUserId: null,
      unitId: a.unitId,
      text: question,
      intent: 'None',
      score: 0.31,
      answer: `这个问题我暂时无法准确回答，已转给票据系统驻场工程师处理，工单号 #${ticket.id}，回复会直接发到这里。`,
      escalated: true,
      outcome: 'escalated',
      ticketId: ticket.id,
      entities: {},
      kbVersion: null,
      latencyMs: 12,
      at: ticket.createdAt,
    });
    return ticket.id;
  }
  const t = await services.tickets.create(actors.operator, {
    source,
    unitCode: who.code,
    reporterName: who.name,
    category: onsite ? 'fault' : 'question',
    priority: onsite ? 'high' : 'normal',
    summary: question,
  });
  return t.id;
}

/** The bot's conversation port (the demo asks through the real pipeline, which logs each exchange). */
export type DemoBot = Pick<BotPort, 'handleMessage'>;

/** Unit staff ask the bot a few everyday questions each working day; the pipeline answers or escalates and logs each one. */
async function botQuestions(ctx: DemoContext, bot: DemoBot, weekdays: DateTime[], set: (t: DateTime) => void): Promise<void> {
  for (const day of weekdays) {
    for (let k = ctx.rnd.int(3, 6); k > 0; k--) {
      const who = ctx.rnd.pick(ASKERS);
      const t = day.set({ hour: ctx.rnd.int(8, 17), minute: ctx.rnd.int(0, 59) });
      set(t);
      await bot.handleMessage({
        channel: 'wecom',
        senderId: who.username,
        text: ctx.rnd.pick(BOT_QUESTIONS),
        messageId: null,
        receivedAt: t.toJSDate(),
      });
    }
  }
}

/** Return visits by phone the next working morning: satisfied units, so their tickets close. */
async function returnVisits(
  ctx: DemoContext,
  engineer: Actor,
  ticketIds: number[],
  set: (t: DateTime) => void,
  today: DateTime,
): Promise<void> {
  for (const ticketId of ticketIds) {
    const t = await ctx.services.tickets.get(engineer, ticketId);
    const when = DateTime.fromJSDate(t.resolvedAt as Date, { zone: 'Asia/Shanghai' })
      .plus({ days: 1 })
      .set({ hour: 10, minute: 30 });
    if (when >= today) continue;
    set(when);
    const v = await ctx.services.returnVisits.create(engineer, { ticketId, note: '电话回访' });
    await ctx.services.returnVisits.answer(engineer, v.id, { rating: ctx.rnd.pick([4, 5, 5]), comment: '处理及时，满意' });
  }
}

/** 来电记录 spread over the weeks, mostly by phone. */
async function consultations(ctx: DemoContext, engineer: Actor, weekdays: DateTime[], set: (t: DateTime) => void): Promise<void> {
  for (const [i, [channel, category, question]] of CONSULTATIONS.entries()) {
    const who = ctx.rnd.pick(ASKERS);
    set(weekdays[i % weekdays.length].set({ hour: ctx.rnd.int(8, 16), minute: ctx.rnd.int(0, 59) }));
    await ctx.services.consultations.create(i % 2 === 0 ? ctx.actors.operator : engineer, {
      channel,
      category,
      question,
      unitCode: who.code,
      caller: who.name,
      answer: '已电话答复',
      durationMinutes: ctx.rnd.int(2, 15),
    });
  }
}

/** The bill system's HTTP probe fails for 40 minutes: a fault ticket the engineer takes and closes. */
async function outage(ctx: DemoContext, engineer: Actor, start: DateTime, set: (t: DateTime) => void): Promise<void> {
  const { services } = ctx;
  const key = 'probe:bill-system-http';
  set(start);
  const { incident } = await services.alerts.raise({
    key,
    source: 'probe',
    severity: 'critical',
    title: '财政票据管理系统无法访问',
    detail: 'HTTP 探测连续 3 次超时（10 秒）',
    labels: { target: 'bill-system' },
  });
  set(start.plus({ minutes: 5 }));
  await services.tickets.claim(engineer, incident.ticketId!);
  set(start.plus({ minutes: 40 }));
  await services.alerts.resolve(key);
  set(start.plus({ minutes: 50 }));
  await services.tickets.resolve(engineer, incident.ticketId!, '数据库连接池耗尽，已重启应用服务并调大连接池');
}

/** Last week: three units report what they used (approved) and are issued the next quarter's bills. */
async function ledgerLastWeek(ctx: DemoContext, monday: DateTime, set: (t: DateTime) => void): Promise<void> {
  const { services, rnd, actors } = ctx;
  for (const [i, [unitCode, billTypeCode, quantity]] of (
    [
      ['110001', 'FS03', 4000],
      ['108002', 'FS01', 3000],
      ['111001', 'JS01', 1500],
    ] as const
  ).entries()) {
    const staff = actors.staff.get(unitCode)!;
    let t = monday.plus({ days: 1 + i }).set({ hour: 9, minute: 30 });
    const held = await heldRuns(services, unitCode, billTypeCode);
    const total = totalCount(held.map((r) => r.span));
    if (total > 0) {
      const lines = composeWriteoff(rnd, lowestRuns(held, Math.round(total * 0.85)), { voided: rnd.int(1, 3), lost: 0 });
      set(t);
      const wo = await services.writeoffs.create(staff, {
        unitCode,
        billTypeCode,
        cutoffDate: t.minus({ days: 1 }).toISODate()!,
        amount: demoAmount(rnd, billTypeCode, lines.usedCount),
        used: lines.used,
        voided: lines.voided,
        lost: lines.lost,
      });
      set((t = t.plus({ minutes: 60 })));
      await services.writeoffs.approve(actors.reviewer, wo.id, { result: '良好', opinion: '核销资料齐全，同意核销' });
    }
    set((t = t.plus({ minutes: 20 })));
    const app = await services.applications.create(staff, { unitCode, billTypeCode, quantity, reason: '下一季度开票需要' });
    set((t = t.plus({ minutes: 25 })));
    await services.applications.approve(actors.reviewer, app.id, { opinion: '同意' });
    set(t.plus({ minutes: 40 }));
    await services.issuance.issue(actors.operator, app.id);
  }
}
