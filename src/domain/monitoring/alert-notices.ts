import type { Repositories } from '../db/repositories';
import { formatShanghai } from '../desk/desk-notices';
import type { Ticket } from '../desk/ticket.entity';
import type { DeskOps } from './desk-port';
import type { Incident } from './incident.entity';

type Tx = Pick<Repositories, 'outbox'>;
type Desk = Pick<DeskOps, 'noticeEngineers' | 'engineerRecipients'>;

const SEVERITY_NAMES: Record<Incident['severity'], string> = { critical: '严重', warning: '警告', info: '提示' };
// WeCom robot markdown is limited to 4096 bytes; leave room for the frame around the detail.
const ROBOT_DETAIL_BYTES = 3000;

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
export function truncateBytes(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max - 3) break;
    out += ch;
  }
  return `${out}…`;
}

/** "12 分钟", "2 小时 5 分钟", "1 天 3 小时", "不足 1 分钟". */
export function downtimeText(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return '不足 1 分钟';
  if (min < 60) return `${min} 分钟`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} 小时 ${min % 60} 分钟` : `${h} 小时`;
  return h % 24 ? `${Math.floor(h / 24)} 天 ${h % 24} 小时` : `${Math.floor(h / 24)} 天`;
}

const robot = (tx: Tx, key: string, content: string, now: Date) =>
  tx.outbox.enqueue(key, { channel: 'robot', robot: 'ops', kind: 'markdown', content: truncateBytes(content, 4000) }, now);

// Every firing notice's dedupe key starts so (the card's through noticeEngineers' `ticket-<id>-<event>`).
const firingKeys = (inc: Pick<Incident, 'id'>, ticketId: number | null): string[] => [
  `incident-${inc.id}-fire-`,
  ...(ticketId ? [`ticket-${ticketId}-alert-${inc.id}-`] : []),
];

/** Firing: the engineers' ticket card and the ops group's markdown (same transaction). */
export async function noticeFiring(tx: Tx, desk: Desk, inc: Incident, t: Ticket, now: Date, tag: string): Promise<void> {
  const head = `${tag}【故障告警】${inc.title}`;
  await desk.noticeEngineers(t, `${head}${inc.detail ? `：${inc.detail}` : ''}`, now, `alert-${inc.id}-${now.getTime()}`);
  const lines = [
    `## <font color="warning">${head}</font>`,
    `> 级别：<font color="warning">${SEVERITY_NAMES[inc.severity]}</font>`,
    `> 来源：${inc.source}`,
    `> 开始时间：${formatShanghai(inc.firstFiringAt)}`,
    `> 工单：#${t.id}（${t.priority === 'urgent' ? '紧急' : '高'}）`,
  ];
  if (inc.detail) lines.push('', truncateBytes(inc.detail, ROBOT_DETAIL_BYTES));
  await robot(tx, `incident-${inc.id}-fire-${now.getTime()}-robot`, lines.join('\n'), now);
}

/**
 * The incident recovered: its firing notices not sent yet expire now (a fault alert arriving after
 * the recovery is noise); the recovery notice itself still goes.
 */
export function expireFiringNotices(tx: Tx, inc: Pick<Incident, 'id' | 'ticketId'>, now: Date): Promise<number> {
  return tx.outbox.expireUnsent(
    firingKeys(inc, inc.ticketId),
    now,
    `alert: incident #${inc.id} recovered before its firing notice went out`,
  );
}

/** Resolved: the recovery notice with the downtime, to the engineers and the ops group. */
export async function noticeRecovered(tx: Tx, desk: Desk, inc: Incident, now: Date, tag: string): Promise<void> {
  const downtime = downtimeText(now.getTime() - (inc.firstFiringAt ?? now).getTime());
  const ticket = inc.ticketId ? `，工单 #${inc.ticketId}` : '';
  const to = await desk.engineerRecipients();
  if (to.length > 0) {
    const text = `${tag}【告警恢复】${inc.title} 已恢复，故障持续 ${downtime}${ticket}。`;
    await tx.outbox.enqueue(
      `incident-${inc.id}-recover-${now.getTime()}-eng`,
      { channel: 'app', toUsers: to, kind: 'text', content: text },
      now,
    );
  }
  const md = [
    `## <font color="info">${tag}【已恢复】${inc.title}</font>`,
    `> 已恢复，故障持续 ${downtime}`,
    `> 故障时段：${formatShanghai(inc.firstFiringAt)} — ${formatShanghai(now)}`,
    `> 来源：${inc.source}${ticket}`,
  ].join('\n');
  await robot(tx, `incident-${inc.id}-recover-${now.getTime()}-robot`, md, now);
}
