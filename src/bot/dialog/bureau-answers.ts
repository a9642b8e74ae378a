import { DateTime } from 'luxon';
import type { SummaryKind } from '../../domain/summaries/summary.entity';
import type { Actor } from '../../domain/identity/actor';
import { can, isUnitScoped } from '../../domain/policy';
import type { Entities } from '../nlp/entities';
import { shanghaiTime } from './format';
import type { BotServices } from './types';

/** Unit staff never get the bureau-wide view (bot.md): a polite refusal that says what they can ask. */
export const BUREAU_ONLY =
  '抱歉，全局的工单、故障和逾期核销情况只向财政局工作人员提供。您可以问本单位的库存、申领、核销进度，或回复“转人工”找工程师。';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const md = (day: string) => day.slice(5);

/** Which summary period a question means: this week by default; 上周/上个月 or a named week or month. */
export function periodAsked(text: string, period: Entities['period'], now: Date): { kind: SummaryKind; periodEnd: string; label: string } {
  const today = DateTime.fromJSDate(now, { zone: 'Asia/Shanghai' });
  const iso = (d: DateTime) => d.toISODate() as string;
  if (/上(?:个)?月|上月/u.test(text)) return { kind: 'monthly', periodEnd: iso(today.minus({ months: 1 })), label: '上月' };
  if (/本月|这个月|当月/u.test(text)) return { kind: 'monthly', periodEnd: iso(today), label: '本月' };
  if (/上(?:个)?(?:周|星期|礼拜)|周报/u.test(text)) return { kind: 'weekly', periodEnd: iso(today.minus({ weeks: 1 })), label: '上周' };
  if (period) {
    const days = DateTime.fromISO(period.to).diff(DateTime.fromISO(period.from), 'days').days + 1;
    if (days > 7 && days <= 31) return { kind: 'monthly', periodEnd: period.from, label: period.label };
    if (days <= 7) return { kind: 'weekly', periodEnd: period.from, label: period.label };
  }
  return { kind: 'weekly', periodEnd: iso(today), label: '本周' };
}

type SummaryPort = Pick<BotServices, 'summaries'>;

/** desk.summary: tickets and SLA of a week (or month) from the same figures as the weekly summary. */
export async function answerDeskSummary(services: SummaryPort, actor: Actor, text: string, entities: Entities, now: Date): Promise<string> {
  if (isUnitScoped(actor) || !can(actor, 'summary.read')) return BUREAU_ONLY;
  const asked = periodAsked(text, entities.period, now);
  const { period, figures } = await services.summaries.figures(actor, { kind: asked.kind, periodEnd: asked.periodEnd });
  const cur = figures.current;
  const change = (key: string) => figures.comparison.find((c) => c.key === key)?.change ?? '—';
  const running = now.getTime() < period.endAt.getTime();
  const clocks = cur.sla.clocks.map((c) => `${c.label} ${pct(c.rate)}`).join('，');
  const sources = cur.tickets.bySource.map((s) => `${s.label} ${s.count}`).join('、');
  return [
    `${asked.label}（${md(period.start)} 至 ${md(period.end)}${running ? `，截至 ${shanghaiTime(now).slice(5)}` : ''}）工单情况：`,
    `· 新建 ${cur.tickets.opened}（${change('ticketsOpened')}），解决 ${cur.tickets.resolved}，未结 ${cur.tickets.backlog}`,
    ...(sources ? [`· 来源：${sources}`] : []),
    `· SLA 达标率 ${pct(cur.sla.rate)}（${clocks}），超时 ${cur.sla.breached} 次`,
    `· 咨询登记 ${cur.consultations.total}；机器人提问 ${cur.bot.questions}，自助解决率 ${pct(cur.bot.containmentRate)}，转人工 ${cur.bot.escalated}`,
    `· 故障 ${cur.faults.count} 次，停机 ${cur.faults.downtimeMinutes} 分钟${cur.faults.openAtEnd > 0 ? `，未恢复 ${cur.faults.openAtEnd}` : ''}`,
    running ? '本期尚未结束，完整周报于下周一推送；也可问“上周周报”。' : '完整报告可在系统“服务报告”中查看和下载。',
  ].join('\n');
}

type IncidentPorts = Pick<BotServices, 'alerts' | 'tickets'>;

/** incident.status: what is failing now (firing incidents) and the fault tickets still open. */
export async function answerIncidents(services: IncidentPorts, actor: Actor): Promise<string> {
  // A unit whose system fails should report it, not be told to ask someone else.
  if (isUnitScoped(actor) || !can(actor, 'incident.read'))
    return `${BUREAU_ONLY}\n如果您这边系统用不了，直接描述现象（如“系统打不开”），我会马上转给工程师。`;
  const firing = await services.alerts.list(actor, { state: 'firing', page: 1, pageSize: 10 });
  const faults = (
    await Promise.all(
      (['new', 'acknowledged', 'in_progress', 'waiting_user'] as const).map((state) =>
        services.tickets.list(actor, { state, source: 'fault', page: 1, pageSize: 10 }),
      ),
    )
  ).flatMap((p) => p.items);
  const lines: string[] = [];
  if (firing.total === 0) lines.push('目前没有正在告警的故障，监控的各项检查均正常。');
  else {
    lines.push(`当前有 ${firing.total} 个故障告警：`);
    for (const i of firing.items) {
      const since = i.firstFiringAt ? `自 ${shanghaiTime(i.firstFiringAt).slice(5)} 起` : '';
      lines.push(`· ${i.title}（${since}${i.ticketId ? `，工单 #${i.ticketId}` : ''}）`);
    }
  }
  if (faults.length > 0) {
    lines.push(`用户报障未处理完的工单 ${faults.length} 个：`);
    for (const t of faults.sort((a, b) => a.id - b.id).slice(0, 10)) lines.push(`· #${t.id} ${t.summary.slice(0, 30)}`);
  } else lines.push('没有未处理完的用户报障工单。');
  return lines.join('\n');
}

/** 「哪些单位逾期未核销」 from bureau staff: the same overdue write-offs as the warnings report (核旧领新). */
const OVERDUE_ASK =
  /(?:哪些|哪几个|哪几家|哪个|哪家|那些|多少|几个|几家|各)(?:单位|医院|学校)[\s\S]*(?:逾期|超期|过期|到期|没有?|未)[\s\S]*核销|(?:逾期|超期)(?:未|没有?)核销的?(?:单位|名单)/u;

export const asksBureauOverdue = (text: string): boolean => OVERDUE_ASK.test(text.normalize('NFKC'));

type WarningsPort = Pick<BotServices, 'reports'>;

export async function answerBureauOverdue(services: WarningsPort, actor: Actor): Promise<string> {
  if (isUnitScoped(actor) || !can(actor, 'report.read.bureau')) return BUREAU_ONLY;
  const w = await services.reports.warnings(actor, {});
  const rows = w.overdueWriteoffs;
  if (rows.length === 0) return `目前没有逾期未核销的单位（领用超过 ${w.overdueMonths} 个月的票据均已核销）。`;
  const units = new Set(rows.map((r) => r.unitCode));
  const lines = [`逾期未核销（领用超过 ${w.overdueMonths} 个月仍未核销）的单位 ${units.size} 家：`];
  for (const r of rows.slice(0, 20)) {
    const pending = r.pendingWriteoffs > 0 ? `，已报核销待审 ${r.pendingWriteoffs} 笔` : '';
    lines.push(`· ${r.unitName}：${r.billTypeName} ${r.heldOldCount} 份，最早 ${r.oldestIssuedAt.slice(0, 10)} 领用${pending}`);
  }
  if (rows.length > 20) lines.push(`……共 ${rows.length} 条，完整名单见系统“统计报表 → 预警”。`);
  return lines.join('\n');
}
