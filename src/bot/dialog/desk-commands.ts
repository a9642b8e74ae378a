import { CLOCK_KIND_NAMES, PRIORITY_NAMES, type ClockKind } from '../../domain/desk/desk.types';
import type { QueueItem } from '../../domain/desk/ticket-queue';
import { DomainError } from '../../domain/errors';
import type { Actor } from '../../domain/identity/actor';
import { matchUnits } from '../../domain/catalog/unit-names';
import { can } from '../../domain/policy';
import { shanghaiTime } from './format';
import type { BotServices } from './types';

/** The engineer's queue, however it is asked for (「我的工单」「待处理」「待处理的工单有哪些」…). */
const QUEUE_ASKS = [
  /^(?:查看|看看|看下|看一下)?我的(?:工单|待办|任务)(?:列表)?(?:有哪些|呢)?$/u,
  /^(?:查看|看看)?(?:待处理|未处理|没处理|未完成|待办)(?:的)?(?:工单)?(?:列表)?(?:有哪些|有几个|有多少|还有哪些|呢)?$/u,
  /^(?:还有)?哪些工单(?:还)?(?:没处理|未处理|待处理|没解决|没完成)$/u,
  /^工单(?:列表|队列)$/u,
];
/** Tickets a phone shows in one message (2 lines each, well within WeCom's 2048 bytes). */
const QUEUE_SHOWN = 10;
const PUNCT = /[\s？?。.！!~～,，]+/gu;

/** 「来电 <单位或简称> <来电人> <内容>」, optionally ending in 「转工单」 (also opens a ticket). */
const CALL = /^来电[\s:：,，]+(\S+)[\s,，]+(\S+)[\s,，]+([\s\S]+)$/u;
/** The suffix that also opens a ticket: 「转工单」 (or 「开工单」), after the content. */
const TO_TICKET = /[\s,，。；;]*(?:并)?(?:转工单|开工单)[。！!]*$/u;
/** A call that is not about one unit (a citizen, an unknown caller). */
const NO_UNIT = new Set(['无', '无单位', '未知', '个人']);

const shortTime = (d: Date) => shanghaiTime(d).slice(5);
const clip = (s: string, n: number) => (Array.from(s).length > n ? `${Array.from(s).slice(0, n).join('')}…` : s);

/** How a ticket's deadline reads on a phone: 「响应 12-05 11:30」, 「到场 12-05 17:00（已超时）」, 「解决 … （暂停）」. */
function deadlineText(kind: ClockKind, item: QueueItem): string {
  const name = CLOCK_KIND_NAMES[kind];
  // The queue carries the clocks that still count; a stopped one is done.
  const c = item.clocks.find((x) => x.kind === kind);
  if (!c) {
    if (kind === 'response') return `${name} 已响应`;
    if (kind === 'onsite') return item.arrivedAt ? `${name} 已到场` : `${name} 未派员`;
    return `${name} —`;
  }
  const flag = c.state === 'breached' ? '（已超时）' : c.state === 'paused' ? '（暂停）' : '';
  return `${name} ${shortTime(c.dueAt)}${flag}`;
}

/** The nearest deadline still running (paused clocks wait for the user: they sort last). */
const nearestDue = (i: QueueItem): number =>
  Math.min(...i.clocks.filter((c) => c.state !== 'paused').map((c) => c.dueAt.getTime()), Number.MAX_SAFE_INTEGER);

/** The queue as a short text: two lines per ticket, nearest deadline first (mine or unassigned alike). */
export function queueText(queue: QueueItem[]): string {
  if (queue.length === 0) return '目前没有待处理的工单（您名下和未分派的都已处理完）。';
  const items = [...queue].sort((a, b) => nearestDue(a) - nearestDue(b) || a.id - b.id);
  const mine = items.filter((i) => i.mine).length;
  const lines = [`待处理工单 ${items.length} 个（我的 ${mine}，未分派 ${items.length - mine}），按最近时限排序：`];
  for (const i of items.slice(0, QUEUE_SHOWN)) {
    const state = i.state === 'waiting_user' ? '·等待用户' : '';
    lines.push(
      `#${i.id} ${PRIORITY_NAMES[i.priority]}·${i.unitName ?? '未关联单位'}·${i.mine ? '我' : '未分派'}${state}：${clip(i.firstLine, 24)}`,
    );
    lines.push(`  ${(['response', 'onsite', 'resolution'] as const).map((k) => deadlineText(k, i)).join('｜')}`);
  }
  if (items.length > QUEUE_SHOWN) lines.push(`……另有 ${items.length - QUEUE_SHOWN} 个时限较远的工单，请在工作台“工单”中查看。`);
  lines.push('指令：#工单号 认领/回复…/出发/到达/等待/解决');
  return lines.join('\n');
}

type DeskServices = Pick<BotServices, 'tickets' | 'ticketQueue' | 'directory' | 'consultations'>;

async function logCall(services: DeskServices, actor: Actor, m: RegExpExecArray): Promise<string> {
  const [, unitSaid, caller, rest] = m;
  const createTicket = TO_TICKET.test(rest);
  const question = rest.replace(TO_TICKET, '').trim();
  if (!question) return '请写上来电内容：来电 单位或简称 来电人 内容（末尾加“转工单”同时开工单）。';
  let unitCode: string | undefined;
  let unitName = '未关联单位';
  if (!NO_UNIT.has(unitSaid)) {
    // The directory's lookup: code, full name, short name (二中) or part of one; inactive units are not offered.
    const found = matchUnits(
      (await services.directory.units()).filter((u) => u.active),
      unitSaid,
      8,
    );
    if (found.kind === 'none') {
      return `没有找到单位“${unitSaid}”，请核对名称、用单位编码重发；来电人不属于任何单位时单位写“无”。`;
    }
    if (found.kind === 'many') {
      const list = found.units.map((u) => `· ${u.name}${u.aliases.length > 0 ? `（${u.aliases.join('、')}）` : ''}，编码 ${u.code}`);
      return [`“${unitSaid}”对应多个单位，请用全称或编码重发：`, ...list].join('\n');
    }
    unitCode = found.unit.code;
    unitName = found.unit.name;
  }
  const row = await services.consultations.create(actor, {
    channel: 'phone',
    caller,
    unitCode,
    category: '一般咨询',
    question,
    createTicket,
  });
  const head = `已登记来电记录 #${row.id}：${unitName} ${caller}（电话）——${clip(question, 40)}`;
  if (!row.linkedTicketId) return `${head}\n需要跟进时在末尾加“转工单”重发，或在系统中转为工单。`;
  const t = await services.tickets.get(actor, row.linkedTicketId);
  return `${head}\n已转工单 #${t.id}，响应时限 ${shanghaiTime(t.responseDueAt)}。`;
}

/**
 * Texts of the desk that are not `#id` commands: the queue and the phone-call log. Returns null
 * when the text is neither (the NLP takes it). Only desk roles act (`actor` acts, `sender` is whose
 * conversation it is, as in runCommand); others are refused politely.
 */
export async function answerDeskText(services: DeskServices, actor: Actor, text: string, sender: Actor = actor): Promise<string | null> {
  // The content is stored as typed (Chinese punctuation kept); only the queue question is normalised.
  const call = CALL.exec(text.trim());
  const asksQueue = !call && QUEUE_ASKS.some((re) => re.test(text.normalize('NFKC').replace(PUNCT, '')));
  if (!call && !asksQueue) return null;
  if (asksQueue) {
    // Unit staff asking 「我的工单」 mean their own tickets: the NLP's ticket.status answers them.
    if (!can(sender, 'ticket.handle') || !can(actor, 'ticket.handle')) return null;
    // The workbench's queue (移动工作台): the same tickets and clocks, all of them (it is small) on one page.
    return queueText((await services.ticketQueue.list(actor, { page: 1, pageSize: 100 })).items);
  }
  if (!can(sender, 'desk.record.write') || !can(actor, 'desk.record.write'))
    return '抱歉，来电登记仅供驻场工程师使用。如需咨询，请直接描述您的问题。';
  try {
    return await logCall(services, actor, call!);
  } catch (err) {
    if (err instanceof DomainError) return `来电未登记：${err.message}`;
    throw err;
  }
}
