import type { DomainStore, Repositories } from '../db/repositories';
import { engineerRecipients, formatShanghai } from './desk-notices';
import { supervisorRecipients } from './desk-settings';
import { CLOCK_KIND_NAMES } from './desk.types';
import type { Ticket } from './ticket.entity';

/**
 * What a warning/breach job found: acted, or why not. `early` means the job ran before the
 * instant (clocks of processes differ): the caller retries later.
 */
export type FireOutcome = 'warned' | 'breached' | 'stale' | 'done' | 'late' | 'early';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * How long after the deadline a breach escalation is still worth sending: long enough for the
 * supervisor to learn in the morning of a breach overnight (WeCom or Redis down meanwhile), short
 * enough that a channel switched on days later does not escalate long-past deadlines — those stay
 * on the ticket's timeline and in the SLA report and the weekly summary.
 */
export const BREACH_NOTICE_TTL_MS = 12 * 3600_000;

async function ticketOf(tx: Repositories, id: number): Promise<Ticket> {
  const t = await tx.tickets.byId(id);
  if (!t) throw new Error(`ticket ${id} of an SLA clock is missing`);
  return t;
}

/** The assignee, or every engineer while the ticket has none. */
async function warnRecipients(tx: Repositories, t: Ticket): Promise<string[]> {
  const a = t.assigneeId ? await tx.identity.byId(t.assigneeId) : null;
  return a?.active && a.wecomUserId ? [a.wecomUserId] : engineerRecipients(tx);
}

/** Warns once at warnAt; a clock paused, stopped or re-timed since the job was made is left alone. */
export function fireWarning(store: DomainStore, clockId: number, dueEpoch: number, now: Date): Promise<FireOutcome> {
  return store.transaction(async (tx) => {
    const c = await tx.slaClocks.findForUpdate(clockId);
    if (!c || c.state !== 'running' || c.dueAt.getTime() !== dueEpoch) return 'stale';
    if (c.warnedAt) return 'done';
    if (now.getTime() < c.warnAt.getTime()) return 'early';
    // At or after the due time the breach escalation says more than a warning.
    if (now.getTime() >= c.dueAt.getTime()) return 'late';
    if (!(await tx.slaClocks.markWarned(c.id, now))) return 'done';
    const t = await ticketOf(tx, c.ticketId);
    const name = CLOCK_KIND_NAMES[c.kind];
    await tx.tickets.addEvent(
      t.id,
      'sla',
      null,
      `${name}时限即将到期（${formatShanghai(c.dueAt)}）`,
      { clockId: c.id, kind: c.kind, warning: true, dueAt: c.dueAt.toISOString() },
      now,
    );
    const to = await warnRecipients(tx, t);
    if (to.length > 0) {
      const text = `【SLA 预警】工单 #${t.id} 的${name}时限将于 ${formatShanghai(c.dueAt)} 到期，请尽快处理。\n摘要：${clip(t.summary, 80)}`;
      // "Due at X, hurry" after X is noise: the breach escalation takes over at the deadline.
      await tx.outbox.enqueue(`sla-warn-${c.id}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, now, {
        at: c.dueAt,
        reason: 'SLA warning: the deadline it warns of has passed',
      });
    }
    return 'warned';
  });
}

/** Records the breach once (breachedAt = the due instant), puts it on the timeline and escalates. */
export function fireBreach(store: DomainStore, clockId: number, dueEpoch: number, now: Date): Promise<FireOutcome> {
  return store.transaction(async (tx) => {
    const c = await tx.slaClocks.findForUpdate(clockId);
    if (!c || c.state !== 'running' || c.dueAt.getTime() !== dueEpoch) return c?.state === 'breached' ? 'done' : 'stale';
    if (now.getTime() < c.dueAt.getTime()) return 'early';
    if (!(await tx.slaClocks.markBreached(c.id, c.dueAt))) return 'done';
    const t = await ticketOf(tx, c.ticketId);
    const name = CLOCK_KIND_NAMES[c.kind];
    await tx.tickets.addEvent(
      t.id,
      'sla',
      null,
      `${name}时限已超时（应于 ${formatShanghai(c.dueAt)} 前完成）`,
      { clockId: c.id, kind: c.kind, breach: true, dueAt: c.dueAt.toISOString() },
      now,
    );
    const to = await supervisorRecipients(tx);
    if (to.length > 0) {
      const who = t.assigneeId ? ((await tx.identity.byId(t.assigneeId))?.name ?? '—') : '未分派';
      const text = `【SLA 超时督办】工单 #${t.id} 的${name}时限已于 ${formatShanghai(c.dueAt)} 到期仍未完成。\n处理人：${who}\n摘要：${clip(t.summary, 80)}`;
      await tx.outbox.enqueue(`sla-breach-${c.id}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, now, {
        at: new Date(c.dueAt.getTime() + BREACH_NOTICE_TTL_MS),
        reason: 'SLA breach escalation: more than 12 h after the deadline (the breach is on the ticket and in the SLA report)',
      });
    }
    return 'breached';
  });
}
