import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import type { DomainStore, Repositories } from '../../db/repositories';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { unitCodes } from './records.common';
import {
  createTrainingSessionSchema,
  type CreateTrainingRequestInput,
  type CreateTrainingSessionInput,
  type ListTrainingRequestsQuery,
  type ListTrainingsQuery,
  type UpdateTrainingRequestInput,
} from './records.schemas';
import type { TrainingRequest, TrainingSession } from './training.entity';
import { isUnitScoped, requirePermission } from '../../policy';

/** Sessions listing no unit are open to all; unit staff see those and the ones listing their unit. */
const openTo = (actor: Actor, s: TrainingSession): boolean =>
  !isUnitScoped(actor) || s.unitCodes.length === 0 || (actor.unitCode !== null && s.unitCodes.includes(actor.unitCode));

export type TrainingRequestView = Omit<TrainingRequest, 'unitId'> & { unitCode: string | null; unitName: string | null };

async function requestViews(tx: Pick<Repositories, 'catalog'>, rows: TrainingRequest[]): Promise<TrainingRequestView[]> {
  const units = await unitCodes(
    tx,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, ...r }) => ({
    ...r,
    unitCode: unitId ? (units.get(unitId)?.code ?? null) : null,
    unitName: unitId ? (units.get(unitId)?.name ?? null) : null,
  }));
}

/** Training (培训): sessions held for units and requests for training from the bureau or units. */
export function makeTrainingService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  const db = store.read;

  async function loadRequest(tx: Pick<Repositories, 'trainings'>, actor: Actor, id: number): Promise<TrainingRequest> {
    const r = await tx.trainings.requestById(id);
    if (!r) throw new NotFoundError('RECORD_NOT_FOUND', `培训需求 #${id} 不存在`);
    if (isUnitScoped(actor) && r.unitId !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的培训需求');
    return r;
  }

  return {
    /** Records a session; naming a request marks that request scheduled. */
    async createSession(actor: Actor, raw: CreateTrainingSessionInput): Promise<TrainingSession> {
      requirePermission(actor, 'desk.record.write');
      const input = createTrainingSessionSchema.parse(raw);
      return store.transaction(async (tx) => {
        const now = clock.now();
        const codes = [...new Set(input.unitCodes)];
        if (codes.length > 0) {
          const found = new Set((await tx.catalog.unitsByCodes(codes)).map((u) => u.code));
          const missing = codes.filter((c) => !found.has(c));
          if (missing.length > 0) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${missing.join('、')} 不存在`);
        }
        if (input.requestId) {
          const req = await loadRequest(tx, actor, input.requestId);
          if (req.status === 'declined' || req.status === 'done')
            throw new ConflictError('STATE_NOT_ALLOWED', `培训需求 #${req.id} 已${req.status === 'done' ? '完成' : '拒绝'}`);
        }
        const s = await tx.trainings.insertSession({
          ...input,
          unitCodes: codes,
          requestId: input.requestId ?? null,
          createdById: actor.userId,
          createdAt: now,
        });
        if (input.requestId) await tx.trainings.updateRequest(input.requestId, { status: 'scheduled', sessionId: s.id });
        await tx.audit.record(actor, now, { action: 'training.create', entityType: 'training_session', entityId: s.id, after: input });
        return s;
      });
    },

    /** A session; unit staff see those open to every unit and those held for theirs. */
    async getSession(actor: Actor, id: number): Promise<TrainingSession> {
      const s = await db.trainings.sessionById(id);
      if (!s) throw new NotFoundError('RECORD_NOT_FOUND', `培训 #${id} 不存在`);
      if (!openTo(actor, s)) throw new ForbiddenError('OTHER_UNIT', '只能查看面向本单位或全部单位的培训');
      return s;
    },

    /** Newest first; bureau roles see the whole training calendar, unit staff what is open to their unit. */
    async listSessions(actor: Actor, q: ListTrainingsQuery): Promise<Page<TrainingSession>> {
      const [items, total] = await db.trainings.pageSessions(
        { from: q.from, to: q.to, unitCode: q.unitCode, openTo: isUnitScoped(actor) ? actor.unitCode : undefined },
        pageWindow(q),
      );
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** A request; unit staff request for their own unit only. */
    async createRequest(actor: Actor, input: CreateTrainingRequestInput): Promise<TrainingRequestView> {
      return store.transaction(async (tx) => {
        const now = clock.now();
        let unitId: number | null = null;
        if (isUnitScoped(actor)) {
          if (input.unitCode && input.unitCode !== actor.unitCode) throw new ForbiddenError('OTHER_UNIT', '只能为本单位提出培训需求');
          unitId = actor.unitId;
        } else if (input.unitCode) unitId = (await tx.catalog.unitByCode(input.unitCode)).id;
        else requirePermission(actor, 'desk.record.read');
        const r = await tx.trainings.insertRequest({
          unitId,
          topic: input.topic,
          preferredDate: input.preferredDate ?? null,
          status: 'open',
          note: input.note ?? null,
          sessionId: null,
          requestedById: actor.userId,
          requestedByName: actor.username,
          createdAt: now,
        });
        await tx.audit.record(actor, now, {
          action: 'training-request.create',
          entityType: 'training_request',
          entityId: r.id,
          after: input,
        });
        return (await requestViews(tx, [r]))[0];
      });
    },

    /** Moves a request along (open → scheduled → done, or declined). */
    async updateRequest(actor: Actor, id: number, input: UpdateTrainingRequestInput): Promise<TrainingRequestView> {
      requirePermission(actor, 'training.request.manage');
      return store.transaction(async (tx) => {
        const r = await loadRequest(tx, actor, id);
        if (r.status === 'done' && input.status !== 'done')
          throw new ValidationError('STATE_NOT_ALLOWED', `培训需求 #${id} 已完成，不能改回 ${input.status}`);
        const patch = { status: input.status, note: input.note ?? r.note };
        await tx.trainings.updateRequest(id, patch);
        await tx.audit.record(actor, clock.now(), {
          action: 'training-request.update',
          entityType: 'training_request',
          entityId: id,
          before: { status: r.status },
          after: patch,
        });
        return (await requestViews(tx, [{ ...r, ...patch }]))[0];
      });
    },

    async listRequests(actor: Actor, q: ListTrainingRequestsQuery): Promise<Page<TrainingRequestView>> {
      const unitId = q.unitCode ? (await db.catalog.unitByCode(q.unitCode)).id : undefined;
      const [rows, total] = await db.trainings.pageRequests(
        { own: isUnitScoped(actor) ? actor.unitId : undefined, status: q.status, unitId },
        pageWindow(q),
      );
      return { items: await requestViews(db, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type TrainingService = ReturnType<typeof makeTrainingService>;
