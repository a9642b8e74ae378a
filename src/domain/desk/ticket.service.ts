import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../audit/audit.service';
import { unitByCode } from '../catalog/catalog.service';
import type { Clock } from '../clock';
import { type Actor } from '../identity/actor';
import type { CreateTicketInput } from './desk.schemas';
import { noticeEngineers } from './desk-notices';
import type { DueCalculator } from './desk.types';
import type { SlaClock } from './sla-clock.entity';
import { makeSlaClockService, type SlaClockService } from './sla-clock.service';
import { timerFromDue } from './sla-timing';
import { makeTicketClockCommands } from './ticket-clock-commands';
import { makeTicketCommands } from './ticket-commands';
import { addEvent } from './ticket-events';
import { openTicketIn, type OpenTicketInput } from './ticket-open';
import { makeTicketKit } from './ticket-kit';
import { makeTicketQueries } from './ticket-queries';
import { unitName } from './ticket-store';
import { Ticket } from './ticket.entity';
import { requirePermission } from '../policy';

/** A bot escalation within this window for the same user is appended to their open ticket. */
const APPEND_WINDOW_MS = 30 * 60_000;

/** A question the bot hands over (or a fault the user reports): a ticket opened from a chat. */
export type EscalationInput = Omit<OpenTicketInput, 'source' | 'meta'> & { source: 'bot' | 'fault' };
type OpenInput = OpenTicketInput;

/**
 * Tickets: escalations from the bot, desk entries, the life cycle with its SLA clocks, the timeline.
 * Pass `clocks` (the SLA engine's, as services.ts does); `due` alone is a simple stand-in for tests.
 */
export function makeTicketService(deps: { ds: DataSource; clock: Clock; clocks?: SlaClockService; due?: DueCalculator }) {
  const { ds, clock } = deps;
  const clocks =
    deps.clocks ??
    makeSlaClockService({
      ds,
      clock,
      timer: timerFromDue(deps.due ?? ((at) => ({ dueAt: new Date(at.getTime() + 3600_000), rule: 'default-1h' }))),
    });
  const kit = makeTicketKit(ds, clock, clocks);

  const openTicket = (em: EntityManager, input: OpenInput, now: Date, touched: SlaClock[]) => openTicketIn(em, clocks, input, now, touched);

  const withClocks = <T>(work: (em: EntityManager, touched: SlaClock[]) => Promise<T>) => clocks.withClocks(work);

  return {
    clocks,
    /**
     * Opens a ticket for a question the bot could not answer, or appends to the same user's open
     * ticket of the last 30 minutes; engineers are notified through the outbox in the same transaction.
     */
    escalate(input: EscalationInput): Promise<{ ticket: Ticket; appended: boolean }> {
      return withClocks(async (em, touched) => {
        const now = clock.now();
        let ticket: Ticket | null = null;
        if (input.reporterUserId && input.source === 'bot') {
          ticket = await em
            .createQueryBuilder(Ticket, 't')
            .where('t.reporterUserId = :u AND t.source = :s', { u: input.reporterUserId, s: 'bot' })
            .andWhere('t.state IN (:...open)', { open: ['new', 'acknowledged', 'in_progress', 'waiting_user'] })
            .andWhere('t.lastActivityAt >= :since', { since: new Date(now.getTime() - APPEND_WINDOW_MS).toISOString() })
            .orderBy('t.id', 'DESC')
            .getOne();
        }
        const appended = !!ticket;
        if (ticket) {
          // The user's answer ends the wait: the clocks run again.
          const resumed = ticket.state === 'waiting_user';
          if (resumed) touched.push(...(await clocks.resume(em, ticket.id, now)));
          await em.update(Ticket, ticket.id, { lastActivityAt: now, ...(resumed ? { state: 'in_progress' } : {}) });
          await addEvent(em, ticket.id, 'question', null, input.question, { guesses: input.guesses }, now);
          if (resumed) await addEvent(em, ticket.id, 'state', null, null, { from: 'waiting_user', to: 'in_progress' }, now);
        } else {
          ticket = await openTicket(em, input, now, touched);
        }
        const evKey = appended ? `q${now.getTime()}` : 'new';
        await noticeEngineers(em, ticket, await unitName(em, ticket.unitId), input.question, now, evKey);
        return { ticket, appended };
      });
    },

    /** A ticket entered by the desk (phone, fax, walk-in …). */
    create(actor: Actor, input: CreateTicketInput): Promise<Ticket> {
      requirePermission(actor, 'ticket.handle');
      return withClocks(async (em, touched) => {
        const unitId = input.unitCode ? (await unitByCode(em, input.unitCode)).id : null;
        const now = clock.now();
        const t = await openTicket(
          em,
          {
            source: input.source,
            unitId,
            reporterUserId: null,
            reporterWecomId: null,
            reporterName: input.reporterName ?? null,
            question: input.summary,
            guesses: [],
            priority: input.priority,
            category: input.category,
          },
          now,
          touched,
        );
        await recordAudit(em, actor, now, { action: 'ticket.create', entityType: 'ticket', entityId: t.id, after: input });
        return t;
      });
    },

    ...makeTicketCommands(kit),
    ...makeTicketClockCommands(kit),
    ...makeTicketQueries(ds),
  };
}
export type TicketService = ReturnType<typeof makeTicketService>;
