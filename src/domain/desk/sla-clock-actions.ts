import type { DataSource, EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { inTransaction } from '../db/transaction';
import { User } from '../identity/user.entity';
import { enqueueOutbox } from '../outbox/outbox';
import { engineerRecipients, formatShanghai } from './desk-notices';
import { supervisorRecipients } from './desk-settings';
import { CLOCK_KIND_NAMES } from './desk.types';
import { SlaClock } from './sla-clock.entity';
import { addEvent } from './ticket-events';
import { Ticket } from './ticket.entity';

/**
 * What a warning/breach job found: acted, or why not. `early` means the job ran before the
 * instant (clocks of processes differ): the caller retries later.
 */
export type FireOutcome = 'warned' | 'breached' | 'stale' | 'done' | 'late' | 'early';

async function lockedClock(em: EntityManager, id: number): Promise<SlaClock | null> {
  const q = em.createQueryBuilder(SlaClock, 'c').where('c.id = :id', { id });
  if (em.connection.options.type === 'postgres') q.setLock('pessimistic_write');
  return q.getOne();
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The assignee, or every engineer while the ticket has none. */
async function warnRecipients(em: EntityManager, t: Ticket): Promise<string[]> {
  const a = t.assigneeId ? await em.findOneBy(User, { id: t.assigneeId, active: true }) : null;
  return a?.wecomUserId ? [a.wecomUserId] : engineerRecipients(em);
}

/** Warns once at warnAt; a clock paused, stopped or re-timed since the job was made is left alone. */
export function fireWarning(ds: DataSource, clockId: number, dueEpoch: number, now: Date): Promise<FireOutcome> {
  return inTransaction(ds, async (em) => {
    const c = await lockedClock(em, clockId);
    if (!c || c.state !== 'running' || c.dueAt.getTime() !== dueEpoch) return 'stale';
    if (c.warnedAt) return 'done';
    if (now.getTime() < c.warnAt.getTime()) return 'early';
    // At or after the due time the breach escalation says more than a warning.
    if (now.getTime() >= c.dueAt.getTime()) return 'late';
    const r = await em.update(SlaClock, { id: c.id, state: 'running', warnedAt: IsNull() }, { warnedAt: now });
    if ((r.affected ?? 0) !== 1) return 'done';
    const t = await em.findOneByOrFail(Ticket, { id: c.ticketId });
    const name = CLOCK_KIND_NAMES[c.kind];
    await addEvent(
      em,
      t.id,
      'sla',
      null,
      `${name}时限即将到期（${formatShanghai(c.dueAt)}）`,
      { clockId: c.id, kind: c.kind, warning: true, dueAt: c.dueAt.toISOString() },
      now,
    );
    const to = await warnRecipients(em, t);
    if (to.length > 0) {
      const text = `【SLA 预警】工单 #${t.id} 的${name}时限将于 ${formatShanghai(c.dueAt)} 到期，请尽快处理。\n摘要：${clip(t.summary, 80)}`;
      await enqueueOutbox(em, `sla-warn-${c.id}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, now);
    }
    return 'warned';
  });
}

/** Records the breach once (breachedAt = the due instant), puts it on the timeline and escalates. */
export function fireBreach(ds: DataSource, clockId: number, dueEpoch: number, now: Date): Promise<FireOutcome> {
  return inTransaction(ds, async (em) => {
    const c = await lockedClock(em, clockId);
    if (!c || c.state !== 'running' || c.dueAt.getTime() !== dueEpoch) return c?.state === 'breached' ? 'done' : 'stale';
    if (now.getTime() < c.dueAt.getTime()) return 'early';
    const r = await em.update(SlaClock, { id: c.id, state: 'running', breachedAt: IsNull() }, { state: 'breached', breachedAt: c.dueAt });
    if ((r.affected ?? 0) !== 1) return 'done';
    const t = await em.findOneByOrFail(Ticket, { id: c.ticketId });
    const name = CLOCK_KIND_NAMES[c.kind];
    await addEvent(
      em,
      t.id,
      'sla',
      null,
      `${name}时限已超时（应于 ${formatShanghai(c.dueAt)} 前完成）`,
      { clockId: c.id, kind: c.kind, breach: true, dueAt: c.dueAt.toISOString() },
      now,
    );
    const to = await supervisorRecipients(em);
    if (to.length > 0) {
      const who = t.assigneeId ? ((await em.findOneBy(User, { id: t.assigneeId }))?.name ?? '—') : '未分派';
      const text = `【SLA 超时督办】工单 #${t.id} 的${name}时限已于 ${formatShanghai(c.dueAt)} 到期仍未完成。\n处理人：${who}\n摘要：${clip(t.summary, 80)}`;
      await enqueueOutbox(em, `sla-breach-${c.id}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, now);
    }
    return 'breached';
  });
}
