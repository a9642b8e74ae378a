import type { Repositories } from '../db/repositories';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Actor } from '../identity/actor';
import { isUnitScoped } from '../policy';
import type { Ticket } from './ticket.entity';

/** Loads a ticket, locking its row (in a transaction) so changes to one ticket and its clocks serialise. */
export async function loadTicket(tx: Pick<Repositories, 'tickets'>, id: number): Promise<Ticket> {
  const t = await tx.tickets.findForUpdate(id);
  if (!t) throw new NotFoundError('TICKET_NOT_FOUND', `工单 #${id} 不存在`);
  return t;
}

/** Unit staff see their own and their unit's tickets only. */
export function assertCanSee(actor: Actor, t: Ticket): void {
  if (isUnitScoped(actor) && t.reporterUserId !== actor.userId && (t.unitId === null || t.unitId !== actor.unitId)) {
    throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的工单');
  }
}

/** The name of a ticket's unit, for notices. */
export async function unitName(tx: Pick<Repositories, 'catalog'>, unitId: number | null): Promise<string | null> {
  return unitId ? ((await tx.catalog.unitById(unitId))?.name ?? null) : null;
}
