import type { EntityManager } from 'typeorm';
import { Unit } from '../../catalog/unit.entity';
import { NotFoundError } from '../../errors';
import type { Actor, Role } from '../../identity/actor';
import type { CreateTicketInput } from '../desk.schemas';
import { Ticket } from '../ticket.entity';

/** Who keeps the service records: the bureau's desk and the engineers. */
/** Who may read every unit's records. */

/** What the records need of the ticket service (a port, so the two services do not import each other). */
export interface TicketPort {
  create(actor: Actor, input: CreateTicketInput): Promise<Ticket>;
  reopen(actor: Actor, id: number, reason: string): Promise<unknown>;
  close(actor: Actor, id: number): Promise<unknown>;
}

/** The unit with this code, or a 404 naming it. */
export async function unitByCode(em: EntityManager, code: string): Promise<Unit> {
  const unit = await em.findOneBy(Unit, { code });
  if (!unit) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${code} 不存在`);
  return unit;
}

/** The ticket with this id, or a 404 naming it. */
export async function ticketById(em: EntityManager, id: number): Promise<Ticket> {
  const t = await em.findOneBy(Ticket, { id });
  if (!t) throw new NotFoundError('TICKET_NOT_FOUND', `工单 #${id} 不存在`);
  return t;
}

/** Codes of the given unit ids, for responses that show units by code. */
export async function unitCodes(em: EntityManager, ids: Array<number | null>): Promise<Map<number, { code: string; name: string }>> {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await em
    .createQueryBuilder(Unit, 'u')
    .select(['u.id', 'u.code', 'u.name'])
    .where('u.id IN (:...ids)', { ids: wanted })
    .getMany();
  return new Map(rows.map((u) => [u.id, { code: u.code, name: u.name }]));
}

/** The instant a Shanghai calendar day starts, as stored (ISO UTC). */
export const shanghaiDayStart = (date: string, plusDays = 0): string => {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + plusDays) - 8 * 3600_000).toISOString();
};
