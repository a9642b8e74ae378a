import type { Repositories } from '../../db/repositories';
import { NotFoundError } from '../../errors';
import type { Actor } from '../../identity/actor';
import type { CreateTicketInput } from '../desk.schemas';
import type { Ticket } from '../ticket.entity';

/** What the records need of the ticket service (a port, so the two services do not import each other). */
export interface TicketPort {
  create(actor: Actor, input: CreateTicketInput): Promise<Ticket>;
  reopen(actor: Actor, id: number, reason: string): Promise<unknown>;
  close(actor: Actor, id: number): Promise<unknown>;
}

/** The ticket with this id, or a 404 naming it. */
export async function ticketById(tx: Pick<Repositories, 'tickets'>, id: number): Promise<Ticket> {
  const t = await tx.tickets.byId(id);
  if (!t) throw new NotFoundError('TICKET_NOT_FOUND', `工单 #${id} 不存在`);
  return t;
}

/** Codes of the given unit ids, for responses that show units by code. */
export async function unitCodes(
  tx: Pick<Repositories, 'catalog'>,
  ids: Array<number | null>,
): Promise<Map<number, { code: string; name: string }>> {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  const rows = await tx.catalog.unitsByIds(wanted);
  return new Map(rows.map((u) => [u.id, { code: u.code, name: u.name }]));
}

/** The instant a Shanghai calendar day starts. */
export const shanghaiDayStart = (date: string, plusDays = 0): Date => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + plusDays) - 8 * 3600_000);
};
