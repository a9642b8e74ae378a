import type { Clock } from '../clock';
import type { Repositories } from '../db/repositories';
import type { Actor } from '../identity/actor';
import { requirePermission, type Permission } from '../policy';
import type { SlaClock } from './sla-clock.entity';
import type { SlaClockService } from './sla-clock.service';
import { refreshTicketCard, type TicketLink } from './ticket-card';
import { assertAllowed, type TicketAction } from './ticket-state';
import { assertCanSee, loadTicket } from './ticket-store';
import type { Ticket } from './ticket.entity';

/** One ticket change in progress: the transaction, the locked ticket, the time, and the clocks it touched. */
export interface Change {
  tx: Repositories;
  t: Ticket;
  now: Date;
  actor: Actor;
  touched: SlaClock[];
  event(type: string, body: string | null, meta?: Record<string, unknown> | null): Promise<void>;
}

/** What the ticket command modules share. */
export interface TicketKit {
  clock: Clock;
  clocks: SlaClockService;
  /**
   * Runs one change of one ticket in a transaction (role, existence and state checked first; a
   * refusal changes nothing); clock listeners hear about the clocks only after the commit.
   */
  change(
    actor: Actor,
    id: number,
    action: TicketAction,
    work: (c: Change) => Promise<Partial<Ticket>>,
    permission?: Permission,
  ): Promise<Ticket>;
  /** The first response: stamps it and stops the response clock (claim, reply, wait, dispatch, resolve). */
  respond(c: Change, patch: Partial<Ticket>): Promise<void>;
}

/** What the engineers who could not get the card updated read instead (their ResponseCode is spent). */
const CHANGE_NOTES: Partial<Record<TicketAction, (t: Ticket, who: string) => string>> = {
  claim: (t, who) => `工单 #${t.id} 已由 ${who} 认领。`,
  assign: (t) => `工单 #${t.id} 已分派。`,
  dispatch: (t, who) => `工单 #${t.id}：${who} 已出发去现场。`,
  arrive: (t, who) => `工单 #${t.id}：${who} 已到场。`,
  wait: (t) => `工单 #${t.id} 正在等待用户补充信息（时限暂停）。`,
  resolve: (t, who) => `工单 #${t.id} 已由 ${who} 解决。`,
  close: (t) => `工单 #${t.id} 已关闭。`,
};

/**
 * After a state change: the ticket card is updated in place for every copy we hold a code for; the other
 * engineers (not the one who acted) get one short text about a state change instead of a new card.
 */
async function tellCardHolders(
  tx: Repositories,
  t: Ticket,
  action: TicketAction,
  actor: Actor,
  now: Date,
  link?: TicketLink,
): Promise<void> {
  const note = CHANGE_NOTES[action];
  // Each ResponseCode updates a copy once: they are kept for state changes (the card then also
  // shows the conversation so far); replies and follow-ups reach people as texts meanwhile.
  if (!note && action !== 'reopen') return;
  const { card, left } = await refreshTicketCard(tx, t, now, link);
  if (!card || !note || left.length === 0) return;
  const me = actor.userId ? (await tx.identity.byId(actor.userId))?.wecomUserId : null;
  const to = left.filter((u) => u !== me);
  if (to.length === 0) return;
  await tx.outbox.enqueue(
    `ticket-${t.id}-${action}-${now.getTime()}`,
    { channel: 'app', toUsers: to, kind: 'text', content: note(t, actor.username) },
    now,
  );
}

/** Builds the shared part of the ticket commands. */
export function makeTicketKit(clock: Clock, clocks: SlaClockService, link?: TicketLink): TicketKit {
  return {
    clock,
    clocks,
    async change(actor, id, action, work, permission = 'ticket.handle') {
      requirePermission(actor, permission);
      return clocks.withClocks(async (tx, touched) => {
        const t = await loadTicket(tx, id);
        const now = clock.now();
        const c: Change = {
          tx,
          t,
          now,
          actor,
          touched,
          event: (type, body, meta = null) => tx.tickets.addEvent(id, type, actor, body, meta, now),
        };
        assertCanSee(actor, t);
        assertAllowed(t, action);
        const patch = { ...(await work(c)), lastActivityAt: now };
        await tx.tickets.update(id, patch);
        const after = { ...t, ...patch };
        await tellCardHolders(tx, after, action, actor, now, link);
        return after;
      });
    },
    async respond(c, patch) {
      if (c.t.firstResponseAt) return;
      patch.firstResponseAt = c.now;
      c.touched.push(...(await clocks.stop(c.tx, c.t.id, ['response'], c.now)));
    },
  };
}
