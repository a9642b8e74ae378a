import { queueCardUpdates } from '../cards/card-updates';
import type { BotCard } from '../cards/card.entity';
import { toTemplateCard, type ChatCard } from '../cards/card-view';
import type { Repositories } from '../db/repositories';
import { CLOCK_KIND_NAMES, PRIORITY_NAMES, type ClockKind } from './desk.types';
import type { SlaClock } from './sla-clock.entity';
import type { TicketEvent } from './ticket-event.entity';
import { DESK_STATE_NAMES, isOpen } from './ticket-state';
import type { Ticket } from './ticket.entity';

/** What the ticket card reads and writes inside the ticket's transaction. */
export type CardTx = Pick<Repositories, 'identity' | 'outbox' | 'cards' | 'catalog' | 'tickets' | 'slaClocks'>;

/** The ticket's page on the phone (`${PUBLIC_URL}/m/tickets/:id`), opened from the card; absent: no link. */
export type TicketLink = (ticketId: number) => string;

/** The card record of tickets (BotCard.action); documentId is the ticket's id. */
export const TICKET_CARD = 'ticket';
/** sub_title_text is cut at 300 characters by toTemplateCard: the conversation keeps its newest lines within it. */
const CONVERSATION_CHARS = 280;

const shortTime = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ');
const clip = (s: string, n: number) => (Array.from(s).length > n ? `${Array.from(s).slice(0, n).join('')}…` : s);

/** A deadline as the card shows it: due time, paused, past, or done. */
function deadline(kind: ClockKind, clocks: SlaClock[], t: Ticket): string {
  const c = clocks.filter((x) => x.kind === kind).at(-1);
  if (!c) return kind === 'onsite' ? '未派员' : '—';
  if (c.stoppedAt) {
    const done = kind === 'response' ? '已响应' : kind === 'onsite' ? '已到场' : '已解决';
    return c.state === 'breached' ? `${done}（超时）` : done;
  }
  if (c.state === 'paused') return `${shortTime(c.dueAt)}（暂停）`;
  if (c.state === 'breached') return `${shortTime(c.dueAt)}（已超时）`;
  return kind === 'onsite' && t.arrivedAt ? '已到场' : shortTime(c.dueAt);
}

/** One line of the conversation so far (what the unit said, what the desk answered, what happened). */
function said(e: TicketEvent, reporter: string): string | null {
  const at = shortTime(e.at).slice(6);
  const who = e.actorName ?? '工程师';
  const body = clip((e.body ?? '').replace(/\s+/g, ' '), 40);
  switch (e.type) {
    case 'created':
    case 'question':
    case 'info':
      return `${at} ${reporter}：${body}`;
    case 'reply':
      return `${at} ${who}答：${body}`;
    case 'assign':
      return `${at} ${String((e.meta as { assignee?: string } | null)?.assignee ?? who)} 认领`;
    case 'dispatch':
      return `${at} ${who} 出发`;
    case 'arrive':
      return `${at} ${who} 到场`;
    case 'state': {
      const to = (e.meta as { to?: Ticket['state'] } | null)?.to;
      return to ? `${at} ${DESK_STATE_NAMES[to]}${body ? `：${body}` : ''}` : null;
    }
    default:
      return null;
  }
}

/** The newest lines that fit, oldest first. */
function conversation(events: TicketEvent[], reporter: string): string[] {
  const lines = events.map((e) => said(e, reporter)).filter((l): l is string => l !== null);
  const out: string[] = [];
  let used = 0;
  for (const l of lines.reverse()) {
    if (used + l.length + 1 > CONVERSATION_CHARS) break;
    out.unshift(l);
    used += l.length + 1;
  }
  return out;
}

/** The buttons that still make sense (bot.md: 认领, 出发, 到达, 已解决). */
function buttons(t: Ticket, clocks: SlaClock[]): ChatCard['buttons'] {
  if (!isOpen(t.state)) return [{ key: `claim:${t.id}`, text: DESK_STATE_NAMES[t.state] }];
  const onsiteOpen = clocks.some((c) => c.kind === 'onsite' && !c.stoppedAt);
  return [
    ...(t.assigneeId === null ? [{ key: `claim:${t.id}`, text: '认领' }] : []),
    ...(onsiteOpen ? [{ key: `arrive:${t.id}`, text: '到达' }] : [{ key: `depart:${t.id}`, text: '出发' }]),
    { key: `resolve:${t.id}`, text: '已解决' },
  ];
}

/** The ticket card as it stands: unit and phone, deadlines, who handles it, the conversation so far. */
export async function ticketCardView(tx: CardTx, t: Ticket): Promise<ChatCard> {
  const [unit, clocks, events, assignee] = await Promise.all([
    t.unitId ? tx.catalog.unitById(t.unitId) : null,
    tx.slaClocks.ofTicket(t.id),
    tx.tickets.events(t.id),
    t.assigneeId ? tx.identity.byId(t.assigneeId) : null,
  ]);
  const reporter = t.reporterName ?? '提问人';
  // Exactly six "名称：值" lines: the card's key/value list; the conversation below is its sub-title.
  return {
    title: `工单 #${t.id}（${PRIORITY_NAMES[t.priority]}）${DESK_STATE_NAMES[t.state]}`,
    lines: [
      `单位：${unit?.name ?? '未关联单位'}`,
      `电话：${[unit?.contactName, unit?.contactPhone].filter(Boolean).join(' ') || '未登记'}`,
      `提问人：${reporter}${assignee ? `｜处理人 ${assignee.name ?? assignee.username}` : '｜未分派'}`,
      ...(['response', 'onsite', 'resolution'] as const).map((k) => `${CLOCK_KIND_NAMES[k]}时限：${deadline(k, clocks, t)}`),
      ...conversation(events, reporter),
    ],
    buttons: buttons(t, clocks),
  };
}

/** The active engineers' WeCom ids: who gets the ticket card. */
async function engineers(tx: Pick<Repositories, 'identity'>): Promise<string[]> {
  const rows = await tx.identity.activeWithRole('engineer');
  return rows.map((r) => r.wecomUserId).filter((x): x is string => !!x);
}

/**
 * The ticket's one card: sent to every engineer the first time the desk is told about the ticket
 * (task_id and dedupe key `ticket-<id>-<event>`), recorded so later changes update it in place.
 */
export async function openTicketCard(tx: CardTx, t: Ticket, now: Date, event: string, link?: TicketLink): Promise<BotCard | null> {
  const to = await engineers(tx);
  if (to.length === 0) return null;
  const taskId = `ticket-${t.id}-${event}`.replace(/[^0-9a-zA-Z_\-@]/g, '').slice(0, 128);
  const card = await tx.cards.insert({
    taskId,
    kind: 'ticket',
    action: TICKET_CARD,
    documentId: t.id,
    ownerUserId: null,
    recipients: to,
    codes: [],
    payload: {},
    state: 'open',
    outcome: null,
    actedBy: null,
    actedAt: null,
    createdAt: now,
    expiresAt: null,
  });
  const view = await ticketCardView(tx, t);
  await tx.outbox.enqueue(
    `ticket-${t.id}-${event}`,
    { channel: 'app', toUsers: to, kind: 'template_card', card: toTemplateCard({ ...view, taskId, url: link?.(t.id) }) },
    now,
  );
  return card;
}

/**
 * Updates every copy of the ticket's card we still hold a ResponseCode for (each works once: the
 * send's covers all copies, a press covers the presser's). Returns the engineers whose copy could
 * not be updated, so the caller can tell them in a short text instead of sending a second card.
 */
export async function refreshTicketCard(
  tx: CardTx,
  t: Ticket,
  now: Date,
  link?: TicketLink,
): Promise<{ card: BotCard | null; left: string[] }> {
  const card = await tx.cards.latestFor(TICKET_CARD, t.id);
  if (!card) return { card: null, left: [] };
  const view = await ticketCardView(tx, t);
  const left = await queueCardUpdates(tx, card, view.title, now, toTemplateCard({ ...view, taskId: card.taskId, url: link?.(t.id) }));
  return { card, left };
}
