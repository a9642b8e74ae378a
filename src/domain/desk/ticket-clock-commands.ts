import type { Actor } from '../identity/actor';
import { formatShanghai, noticeReporter } from './desk-notices';
import { ConflictError } from '../errors';
import type { Ticket } from './ticket.entity';
import type { Change, TicketKit } from './ticket-kit';

const openOnsite = (c: Change) => c.tx.slaClocks.latestOf(c.t.id, 'onsite', { open: true });

/** Commands that start, stop and pause clocks: on-site dispatch and arrival, waiting for the user. */
export function makeTicketClockCommands(kit: TicketKit) {
  const { clocks } = kit;

  async function resume(c: Change, patch: Partial<Ticket>): Promise<void> {
    const resumed = await clocks.resume(c.tx, c.t.id, c.now);
    c.touched.push(...resumed);
    const onsite = resumed.find((k) => k.kind === 'onsite');
    if (onsite) patch.onsiteDueAt = onsite.dueAt;
    patch.state = 'in_progress';
    await c.event('state', null, { from: 'waiting_user', to: 'in_progress' });
  }

  return {
    /** Records the decision to go on site; the on-site arrival clock starts (one visit at a time). */
    dispatch: (actor: Actor, id: number, note?: string): Promise<Ticket> =>
      kit.change(actor, id, 'dispatch', async (c) => {
        if (await openOnsite(c)) throw new ConflictError('STATE_NOT_ALLOWED', `工单 #${id} 已派员现场处理，尚未登记到场`);
        const patch: Partial<Ticket> = { state: 'in_progress', assigneeId: c.t.assigneeId ?? actor.userId };
        await kit.respond(c, patch);
        if (c.t.state === 'waiting_user') await resume(c, patch);
        const onsite = await clocks.start(c.tx, id, 'onsite', c.now);
        c.touched.push(onsite);
        Object.assign(patch, { dispatchedAt: c.now, onsiteDueAt: onsite.dueAt, arrivedAt: null });
        await c.event('dispatch', note ?? null, { clockId: onsite.id, onsiteDueAt: onsite.dueAt.toISOString(), rule: onsite.rule });
        await noticeReporter(
          c.tx,
          c.t,
          `dispatch-${c.now.getTime()}`,
          `工单 #${id}：工程师将到现场处理，预计 ${formatShanghai(onsite.dueAt)} 前到达。`,
          c.now,
          { at: onsite.dueAt, reason: 'on-site notice: the arrival time it promises has passed' },
        );
        return patch;
      }),

    /** Records the engineer's arrival on site; stops the on-site clock. */
    arrive: (actor: Actor, id: number, note?: string): Promise<Ticket> =>
      kit.change(actor, id, 'arrive', async (c) => {
        const onsite = await openOnsite(c);
        if (!onsite) throw new ConflictError('STATE_NOT_ALLOWED', `工单 #${id} 没有待到场的派员记录，请先派员`);
        const [stopped] = await clocks.stop(c.tx, id, ['onsite'], c.now);
        c.touched.push(stopped);
        await c.event('arrive', note ?? null, { clockId: onsite.id, onTime: stopped.state === 'met' });
        // "The engineer will arrive before …" reaching the unit after the engineer did is noise.
        await c.tx.outbox.expireUnsent([`ticket-${id}-dispatch-`], c.now, 'on-site notice: the engineer has arrived');
        return { arrivedAt: c.now };
      }),

    /** Waits for the user (asking them is a first response): every running clock pauses. */
    wait: (actor: Actor, id: number, reason: string): Promise<Ticket> =>
      kit.change(actor, id, 'wait', async (c) => {
        const patch: Partial<Ticket> = { state: 'waiting_user', assigneeId: c.t.assigneeId ?? actor.userId };
        await kit.respond(c, patch);
        c.touched.push(...(await clocks.pause(c.tx, id, c.now)));
        await c.event('state', reason, { from: c.t.state, to: 'waiting_user' });
        await noticeReporter(
          c.tx,
          c.t,
          `wait-${c.now.getTime()}`,
          `【工单 #${id} 需要您补充信息】\n${reason}\n请直接回复补充，工程师收到后继续处理。`,
          c.now,
        );
        return patch;
      }),

    /** Back to work after waiting: paused clocks run again with their due times moved by the pause. */
    resume: (actor: Actor, id: number): Promise<Ticket> =>
      kit.change(actor, id, 'resume', async (c) => {
        const patch: Partial<Ticket> = {};
        await resume(c, patch);
        return patch;
      }),
  };
}
