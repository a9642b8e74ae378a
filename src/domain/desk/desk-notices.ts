import type { Repositories } from '../db/repositories';
import type { Expiry } from '../outbox/outbox.types';
import { openTicketCard, TICKET_CARD, type CardTx, type TicketLink } from './ticket-card';
import type { Ticket } from './ticket.entity';

/** What the notices need of a transaction (the ticket card reads the ticket's unit, clocks and timeline). */
type NoticeTx = CardTx;

const fmt = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : '—');

/** WeCom member ids of the active engineers: who receives escalations and alerts is data (api.md). */
export async function engineerRecipients(tx: Pick<Repositories, 'identity'>): Promise<string[]> {
  const rows = await tx.identity.activeWithRole('engineer');
  return rows.map((r) => r.wecomUserId).filter((x): x is string => !!x);
}

/**
 * Tells the engineers about a ticket (same transaction). The first notice sends the ticket's one
 * card; later ones (a follow-up from the unit, an alert firing again) reach the assignee (or the
 * engineers) as a short text on the same ticket, never as a second card. The card itself is updated
 * at the next state change, with the conversation so far (ResponseCodes work once each).
 */
export async function noticeEngineers(
  tx: NoticeTx,
  t: Ticket,
  unitName: string | null,
  question: string,
  now: Date,
  event: string,
  link?: TicketLink,
): Promise<void> {
  const existing = await tx.cards.latestFor(TICKET_CARD, t.id);
  if (!existing) {
    await openTicketCard(tx, t, now, event, link);
    return;
  }
  const a = t.assigneeId ? await tx.identity.byId(t.assigneeId) : null;
  const to = a?.active && a.wecomUserId ? [a.wecomUserId] : await engineerRecipients(tx);
  if (to.length === 0) return;
  const text = `工单 #${t.id}（${unitName ?? '未关联单位'}）补充：${question.slice(0, 300)}`;
  await tx.outbox.enqueue(`ticket-${t.id}-${event}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, now);
}

/** Queues a text to the ticket's reporter in WeCom, if the ticket came from WeCom (no expiry: it waits until it can go). */
export async function noticeReporter(
  tx: Pick<Repositories, 'outbox'>,
  t: Ticket,
  key: string,
  text: string,
  now: Date,
  expiry?: Expiry,
): Promise<void> {
  if (!t.reporterWecomId) return;
  await tx.outbox.enqueue(
    `ticket-${t.id}-${key}`,
    { channel: 'app', toUsers: [t.reporterWecomId], kind: 'text', content: text },
    now,
    expiry,
  );
}

export { fmt as formatShanghai };
