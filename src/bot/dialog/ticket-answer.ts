import { TICKET_STATE_NAMES } from '../../domain/desk/desk.types';
import type { Ticket } from '../../domain/desk/ticket.entity';
import type { TicketEvent } from '../../domain/desk/ticket-event.entity';
import { nullIfRefused } from './refusals';
import { shanghaiDayStartIso } from '../../domain/common/dates';
import { periodText, shanghaiTime } from './format';
import type { DialogDeps, Turn } from './types';

const clip = (s: string, n: number) => (Array.from(s).length > n ? `${Array.from(s).slice(0, n).join('')}…` : s);

function ticketLines(t: Ticket & { events?: TicketEvent[] }): string[] {
  const lines = [`工单 #${t.id}（${TICKET_STATE_NAMES[t.state]}）：${clip(t.summary, 40)}`];
  const times = [`提交 ${shanghaiTime(t.createdAt)}`];
  if (t.state === 'new' && t.responseDueAt) times.push(`工程师将在 ${shanghaiTime(t.responseDueAt)} 前响应`);
  if (t.onsiteDueAt && !t.arrivedAt) times.push(`预计 ${shanghaiTime(t.onsiteDueAt)} 前到现场`);
  if (t.resolvedAt) times.push(`已于 ${shanghaiTime(t.resolvedAt)} 解决`);
  lines.push(`  ${times.join('；')}`);
  const reply = t.events?.filter((e) => e.type === 'reply').at(-1);
  if (reply?.body) lines.push(`  工程师最新回复：${clip(reply.body, 80)}`);
  return lines;
}

/** ticket.status: the asker's own tickets (one by number, or the latest three). */
export async function answerTickets(deps: DialogDeps, turn: Turn): Promise<string> {
  const tickets = deps.services.tickets;
  const no = turn.entities.ticketNo ? Number(turn.entities.ticketNo) : undefined;
  if (no !== undefined) {
    const t = await tickets.get(turn.actor, no).catch(nullIfRefused);
    // Unit staff may see their own and their unit's tickets; others read as not found.
    if (!t) return `没有找到您可以查看的工单 #${no}，请确认工单号。`;
    return [
      ...ticketLines(t),
      t.state === 'resolved' ? '  如问题仍未解决，直接回复说明即可。' : '  如需补充情况，直接在这里回复即可。',
    ].join('\n');
  }
  const { period, latest } = turn.entities;
  const range = period ? { since: new Date(shanghaiDayStartIso(period.from)), before: new Date(shanghaiDayStartIso(period.to, 1)) } : {};
  const recent = await tickets.recentForReporter(turn.actor.userId, latest ? 1 : 3, range);
  if (recent.length === 0)
    return period ? `您${periodText(period)}没有提交过工单。` : '您目前没有工单记录。需要工程师帮助时回复“转人工”即可。';
  const detailed = await Promise.all(recent.map((t) => tickets.get(turn.actor, t.id).catch(() => t)));
  const head = latest ? '您最近一次的工单：' : period ? `您${periodText(period)}提交的工单：` : '您最近的工单：';
  return [head, ...detailed.flatMap(ticketLines), '查看某一个工单可以发“工单 #编号”。'].join('\n');
}
