import type { Repositories } from '../db/repositories';
import type { Priority } from './desk.types';
import type { SlaClock } from './sla-clock.entity';
import type { SlaClockService } from './sla-clock.service';
import type { Ticket } from './ticket.entity';

export interface OpenTicketInput {
  source: Ticket['source'];
  unitId: number | null;
  reporterUserId: number | null;
  reporterWecomId: string | null;
  reporterName: string | null;
  /** The question or fault summary (first 500 characters become the ticket summary). */
  question: string;
  guesses: Array<{ intent: string; score: number }>;
  priority: Priority;
  category: string;
  /** Extra facts for the `created` event (alert key, labels …). */
  meta?: Record<string, unknown>;
}

/**
 * Opens a ticket inside the caller's transaction with its response and resolution clocks running
 * from `now`; the clocks it starts are pushed to `touched` so the caller can schedule them after commit.
 */
export async function openTicketIn(
  tx: Pick<Repositories, 'tickets' | 'slaClocks' | 'slaCalendar'>,
  clocks: SlaClockService,
  input: OpenTicketInput,
  now: Date,
  touched: SlaClock[],
): Promise<Ticket> {
  const t = await tx.tickets.insert({
    source: input.source,
    unitId: input.unitId,
    reporterUserId: input.reporterUserId,
    reporterWecomId: input.reporterWecomId,
    reporterName: input.reporterName,
    category: input.category,
    priority: input.priority,
    summary: input.question.slice(0, 500),
    guesses: input.guesses,
    assigneeId: null,
    state: 'new',
    createdAt: now,
    lastActivityAt: now,
    responseDueAt: null,
    responseRule: null,
    firstResponseAt: null,
    dispatchedAt: null,
    onsiteDueAt: null,
    arrivedAt: null,
    resolvedAt: null,
    closedAt: null,
  });
  const response = await clocks.start(tx, t.id, 'response', now);
  const resolution = await clocks.start(tx, t.id, 'resolution', now, input.priority);
  touched.push(response, resolution);
  Object.assign(t, { responseDueAt: response.dueAt, responseRule: response.rule });
  await tx.tickets.update(t.id, { responseDueAt: response.dueAt, responseRule: response.rule });
  await tx.tickets.addEvent(
    t.id,
    'created',
    null,
    input.question,
    {
      source: input.source,
      guesses: input.guesses,
      ...(input.meta ?? {}),
      rule: response.rule,
      responseDueAt: response.dueAt.toISOString(),
      resolutionDueAt: resolution.dueAt.toISOString(),
    },
    now,
  );
  return t;
}
