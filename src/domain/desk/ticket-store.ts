import type { EntityManager } from 'typeorm';
import { Unit } from '../catalog/unit.entity';
import { ForbiddenError, NotFoundError } from '../errors';
import type { Actor } from '../identity/actor';
import { Ticket } from './ticket.entity';
import { isUnitScoped } from '../policy';

/** Roles that work tickets; leaders read, unit staff read their unit's and add information. */

/** Loads a ticket, locking its row on PostgreSQL so changes to one ticket (and its clocks) serialise. */
export async function loadTicket(em: EntityManager, id: number): Promise<Ticket> {
  const q = em.createQueryBuilder(Ticket, 't').where('t.id = :id', { id });
  if (em.connection.options.type === 'postgres' && em.queryRunner?.isTransactionActive) q.setLock('pessimistic_write');
  const t = await q.getOne();
  if (!t) throw new NotFoundError('TICKET_NOT_FOUND', `工单 #${id} 不存在`);
  return t;
}

/** Unit staff see their own and their unit's tickets only. */
export function assertCanSee(actor: Actor, t: Ticket): void {
  if (isUnitScoped(actor) && t.reporterUserId !== actor.userId && (t.unitId === null || t.unitId !== actor.unitId)) {
    throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的工单');
  }
}

export async function unitName(em: EntityManager, unitId: number | null): Promise<string | null> {
  return unitId ? ((await em.findOneBy(Unit, { id: unitId }))?.name ?? null) : null;
}
