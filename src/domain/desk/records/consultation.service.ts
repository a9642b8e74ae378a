import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../../audit/audit.service';
import type { Clock } from '../../clock';
import type { Page } from '../../common/pagination';
import { pageWindow } from '../../common/pagination';
import { inTransaction } from '../../db/transaction';
import { ForbiddenError, NotFoundError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { Consultation } from './consultation.entity';
import { shanghaiDayStart, ticketById, type TicketPort, unitByCode, unitCodes } from './records.common';
import { CHANNEL_NAMES, type CreateConsultationInput, type ListConsultationsQuery } from './records.schemas';
import { isUnitScoped, requirePermission } from '../../policy';

/** A consultation as the API shows it: unit by code, channel in Chinese. */
export interface ConsultationView extends Omit<Consultation, 'unitId'> {
  unitCode: string | null;
  unitName: string | null;
  channelName: string;
}

async function views(em: EntityManager, rows: Consultation[]): Promise<ConsultationView[]> {
  const units = await unitCodes(
    em,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, ...r }) => ({
    ...r,
    unitCode: unitId ? (units.get(unitId)?.code ?? null) : null,
    unitName: unitId ? (units.get(unitId)?.name ?? null) : null,
    channelName: CHANNEL_NAMES[r.channel as keyof typeof CHANNEL_NAMES] ?? r.channel,
  }));
}

/** The consultation log (来电记录): quick entry while a call happens, optional ticket in the same call. */
export function makeConsultationService(deps: { ds: DataSource; clock: Clock; tickets: TicketPort }) {
  const { ds, clock, tickets } = deps;

  return {
    /** Logs a consultation; `createTicket` opens a desk ticket for it first (validated before anything is written). */
    async create(actor: Actor, input: CreateConsultationInput): Promise<ConsultationView> {
      requirePermission(actor, 'desk.record.write');
      const unit = input.unitCode ? await unitByCode(ds.manager, input.unitCode) : null;
      if (input.linkedTicketId) await ticketById(ds.manager, input.linkedTicketId);
      let linkedTicketId = input.linkedTicketId ?? null;
      if (input.createTicket) {
        // The ticket service runs its own transaction; everything that could refuse was checked above.
        const t = await tickets.create(actor, {
          source: input.channel,
          unitCode: input.unitCode,
          reporterName: input.caller,
          category: input.category,
          priority: 'normal',
          summary: input.question.slice(0, 500),
        });
        linkedTicketId = t.id;
      }
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        const row = em.create(Consultation, {
          channel: input.channel,
          caller: input.caller ?? null,
          callerPhone: input.callerPhone ?? null,
          unitId: unit?.id ?? null,
          category: input.category,
          question: input.question,
          answer: input.answer ?? null,
          handledById: actor.userId,
          handledByName: actor.username,
          durationMinutes: input.durationMinutes ?? null,
          linkedTicketId,
          receivedAt: input.receivedAt ?? now,
          createdAt: now,
        });
        await em.save(row);
        await recordAudit(em, actor, now, {
          action: 'consultation.create',
          entityType: 'consultation',
          entityId: row.id,
          after: { ...input, linkedTicketId },
        });
        return (await views(em, [row]))[0];
      });
    },

    async get(actor: Actor, id: number): Promise<ConsultationView> {
      const row = await ds.getRepository(Consultation).findOneBy({ id });
      if (!row) throw new NotFoundError('RECORD_NOT_FOUND', `来电记录 #${id} 不存在`);
      if (isUnitScoped(actor) && row.unitId !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的来电记录');
      return (await views(ds.manager, [row]))[0];
    },

    /** Newest first; unit staff see their own unit's consultations only. */
    async list(actor: Actor, q: ListConsultationsQuery): Promise<Page<ConsultationView>> {
      const qb = ds.getRepository(Consultation).createQueryBuilder('c').orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'DESC');
      if (isUnitScoped(actor)) qb.andWhere('c.unitId = :own', { own: actor.unitId });
      if (q.unitCode) {
        const unit = await unitByCode(ds.manager, q.unitCode);
        if (isUnitScoped(actor) && unit.id !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的来电记录');
        qb.andWhere('c.unitId = :uid', { uid: unit.id });
      }
      if (q.channel) qb.andWhere('c.channel = :ch', { ch: q.channel });
      if (q.category) qb.andWhere('c.category = :cat', { cat: q.category });
      if (q.from) qb.andWhere('c.receivedAt >= :from', { from: shanghaiDayStart(q.from) });
      if (q.to) qb.andWhere('c.receivedAt < :to', { to: shanghaiDayStart(q.to, 1) });
      if (q.q) qb.andWhere('(c.question LIKE :q OR c.answer LIKE :q OR c.caller LIKE :q)', { q: `%${q.q.replace(/[%_]/g, '')}%` });
      const { skip, take } = pageWindow(q);
      const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items: await views(ds.manager, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type ConsultationService = ReturnType<typeof makeConsultationService>;
