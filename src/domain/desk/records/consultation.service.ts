import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import type { DomainStore, Repositories } from '../../db/repositories';
import { ForbiddenError, NotFoundError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { isUnitScoped, requirePermission } from '../../policy';
import type { Consultation } from './consultation.entity';
import { shanghaiDayStart, ticketById, type TicketPort, unitCodes } from './records.common';
import { CHANNEL_NAMES, type CreateConsultationInput, type ListConsultationsQuery } from './records.schemas';

/** A consultation as the API shows it: unit by code, channel in Chinese. */
export interface ConsultationView extends Omit<Consultation, 'unitId'> {
  unitCode: string | null;
  unitName: string | null;
  channelName: string;
}

async function views(tx: Pick<Repositories, 'catalog'>, rows: Consultation[]): Promise<ConsultationView[]> {
  const units = await unitCodes(
    tx,
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
export function makeConsultationService(deps: { store: DomainStore; clock: Clock; tickets: TicketPort }) {
  const { store, clock, tickets } = deps;
  const db = store.read;

  return {
    /** Logs a consultation; `createTicket` opens a desk ticket for it first (validated before anything is written). */
    async create(actor: Actor, input: CreateConsultationInput): Promise<ConsultationView> {
      requirePermission(actor, 'desk.record.write');
      const unit = input.unitCode ? await db.catalog.unitByCode(input.unitCode) : null;
      if (input.linkedTicketId) await ticketById(db, input.linkedTicketId);
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
      return store.transaction(async (tx) => {
        const now = clock.now();
        const row = await tx.consultations.insert({
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
        await tx.audit.record(actor, now, {
          action: 'consultation.create',
          entityType: 'consultation',
          entityId: row.id,
          after: { ...input, linkedTicketId },
        });
        return (await views(tx, [row]))[0];
      });
    },

    async get(actor: Actor, id: number): Promise<ConsultationView> {
      const row = await db.consultations.byId(id);
      if (!row) throw new NotFoundError('RECORD_NOT_FOUND', `来电记录 #${id} 不存在`);
      if (isUnitScoped(actor) && row.unitId !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的来电记录');
      return (await views(db, [row]))[0];
    },

    /** Newest first; unit staff see their own unit's consultations only. */
    async list(actor: Actor, q: ListConsultationsQuery): Promise<Page<ConsultationView>> {
      let unitId: number | undefined;
      if (q.unitCode) {
        const unit = await db.catalog.unitByCode(q.unitCode);
        if (isUnitScoped(actor) && unit.id !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的来电记录');
        unitId = unit.id;
      }
      const [rows, total] = await db.consultations.page(
        {
          own: isUnitScoped(actor) ? actor.unitId : undefined,
          unitId,
          channel: q.channel,
          category: q.category,
          from: q.from ? shanghaiDayStart(q.from) : undefined,
          to: q.to ? shanghaiDayStart(q.to, 1) : undefined,
          text: q.q,
        },
        pageWindow(q),
      );
      return { items: await views(db, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type ConsultationService = ReturnType<typeof makeConsultationService>;
