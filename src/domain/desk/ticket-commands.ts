import { scheduleTicketVisit } from './records/return-visit.schedule';
import { ForbiddenError, ValidationError } from '../errors';
import { proposeFromReply } from '../kb/proposals';
import type { Actor } from '../identity/actor';
import { engineerRecipients, noticeReporter } from './desk-notices';
import type { Ticket } from './ticket.entity';
import type { Change, TicketKit } from './ticket-kit';
import { can, isUnitScoped } from '../policy';

/**
 * Tells the assignee (or, unassigned, every engineer) in a short text that something happened on
 * the ticket; the ticket card itself is updated by the change (ticket-kit), not sent again.
 */
async function tellDesk(c: Change, key: string, text: string): Promise<void> {
  const a = c.t.assigneeId ? await c.tx.identity.byId(c.t.assigneeId) : null;
  const to = a?.active && a.wecomUserId ? [a.wecomUserId] : await engineerRecipients(c.tx);
  if (to.length === 0) return;
  await c.tx.outbox.enqueue(`ticket-${c.t.id}-${key}`, { channel: 'app', toUsers: to, kind: 'text', content: text }, c.now);
}

/** Replies, assignment, information from the unit, resolution, reopening and closing. */
export function makeTicketCommands(kit: TicketKit) {
  const { clocks } = kit;

  const commands = {
    /** The engineer's answer: stored on the timeline and relayed to the reporter (a first response). */
    reply: (actor: Actor, id: number, text: string): Promise<Ticket> =>
      kit.change(actor, id, 'reply', async (c) => {
        const patch: Partial<Ticket> = { assigneeId: c.t.assigneeId ?? actor.userId };
        await kit.respond(c, patch);
        if (c.t.state === 'new' || c.t.state === 'acknowledged') patch.state = 'in_progress';
        await c.event('reply', text);
        await proposeFromReply(c.tx, c.t, text, actor, c.now);
        await noticeReporter(c.tx, c.t, `reply-${c.now.getTime()}`, `【工单 #${id} 工程师回复】\n${text}`, c.now);
        return patch;
      }),

    /** Information added by the reporter's unit; a ticket waiting for the user resumes (clocks run again). */
    addInfo: (actor: Actor, id: number, text: string): Promise<Ticket> =>
      kit.change(
        actor,
        id,
        'info',
        async (c) => {
          await c.event('info', text);
          const patch: Partial<Ticket> = {};
          if (c.t.state === 'waiting_user') {
            patch.state = 'in_progress';
            c.touched.push(...(await clocks.resume(c.tx, id, c.now)));
            await c.event('state', null, { from: 'waiting_user', to: 'in_progress' });
          }
          await tellDesk(c, `info-${c.now.getTime()}`, `工单 #${id} 有补充信息：${text}`);
          return patch;
        },
        'ticket.add-info',
      ),

    /** POST /tickets/:id/replies: the desk replies, unit staff add information, others may not. */
    postReply(actor: Actor, id: number, text: string): Promise<Ticket> {
      if (isUnitScoped(actor)) return commands.addInfo(actor, id, text);
      if (!can(actor, 'ticket.handle')) throw new ForbiddenError('PERMISSION_DENIED', '无权回复工单');
      return commands.reply(actor, id, text);
    },

    /** Claims a ticket (first response if none yet). */
    claim: (actor: Actor, id: number): Promise<Ticket> =>
      kit.change(actor, id, 'claim', async (c) => {
        const patch: Partial<Ticket> = { assigneeId: actor.userId };
        await kit.respond(c, patch);
        if (c.t.state === 'new') patch.state = 'acknowledged';
        await c.event('assign', null, { assignee: actor.username });
        return patch;
      }),

    /** Hands the ticket to a desk user (not a response to the reporter); they are told in WeCom. */
    assign: (actor: Actor, id: number, username: string): Promise<Ticket> =>
      kit.change(actor, id, 'assign', async (c) => {
        const found = await c.tx.identity.byUsername(username);
        const u = found?.active ? found : null;
        if (!u || !can(u, 'ticket.handle')) {
          throw new ValidationError('INVALID_INPUT', `用户 ${username} 不存在、已停用或不是工程师/管理员`, [
            { path: 'username', message: '不能分派给该用户' },
          ]);
        }
        await c.event('assign', null, { assignee: u.username, by: actor.username });
        if (u.wecomUserId) {
          const text = `工单 #${id} 已分派给您处理：${c.t.summary.slice(0, 80)}`;
          await c.tx.outbox.enqueue(
            `ticket-${id}-assign-${c.now.getTime()}`,
            { channel: 'app', toUsers: [u.wecomUserId], kind: 'text', content: text },
            c.now,
          );
        }
        return { assigneeId: u.id };
      }),

    /** Marks a ticket resolved (stops every open clock) and tells the reporter. */
    resolve: (actor: Actor, id: number, note?: string): Promise<Ticket> =>
      kit.change(actor, id, 'resolve', async (c) => {
        const patch: Partial<Ticket> = { state: 'resolved', resolvedAt: c.now, assigneeId: c.t.assigneeId ?? actor.userId };
        await kit.respond(c, patch);
        c.touched.push(...(await clocks.stop(c.tx, id, ['onsite', 'resolution'], c.now)));
        await c.event('state', note ?? null, { from: c.t.state, to: 'resolved' });
        await noticeReporter(
          c.tx,
          c.t,
          `resolved-${c.now.getTime()}`,
          `您的工单 #${id} 已处理完毕${note ? `：${note}` : '。'}\n如仍有问题，直接回复即可。`,
          c.now,
        );
        // The return visit (回访) is planned in the same transaction, so no resolved ticket misses it.
        await scheduleTicketVisit(c.tx, { ...c.t, ...patch }, c.now);
        return patch;
      }),

    /**
     * Reopens a resolved ticket (desk users, or the return-visit flow with its actor): back to
     * in_progress, and the resolution clock continues where it stopped (docs/sla.md).
     */
    reopen: (actor: Actor, id: number, reason: string): Promise<Ticket> =>
      kit.change(actor, id, 'reopen', async (c) => {
        c.touched.push(...(await clocks.continue(c.tx, id, 'resolution', c.now)));
        await c.event('state', reason, { from: 'resolved', to: 'in_progress', reopened: true });
        await tellDesk(c, `reopen-${c.now.getTime()}`, `工单 #${id} 已重新打开：${reason}`);
        return { state: 'in_progress', resolvedAt: null };
      }),

    /** Closes a resolved ticket; closed is final. */
    close: (actor: Actor, id: number): Promise<Ticket> =>
      kit.change(actor, id, 'close', async (c) => {
        await c.event('state', null, { from: 'resolved', to: 'closed' });
        return { state: 'closed', closedAt: c.now };
      }),
  };
  return commands;
}
