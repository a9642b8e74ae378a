import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../../audit/audit.service';
import { Unit } from '../../catalog/unit.entity';
import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import { inTransaction } from '../../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { unitByCode, unitCodes } from './records.common';
import {
  createTrainingSessionSchema,
  type CreateTrainingRequestInput,
  type CreateTrainingSessionInput,
  type ListTrainingRequestsQuery,
  type ListTrainingsQuery,
  type UpdateTrainingRequestInput,
} from './records.schemas';
import { TrainingRequest, TrainingSession } from './training.entity';
import { isUnitScoped, requirePermission } from '../../policy';

export type TrainingRequestView = Omit<TrainingRequest, 'unitId'> & { unitCode: string | null; unitName: string | null };

async function requestViews(em: EntityManager, rows: TrainingRequest[]): Promise<TrainingRequestView[]> {
  const units = await unitCodes(
    em,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, ...r }) => ({
    ...r,
    unitCode: unitId ? (units.get(unitId)?.code ?? null) : null,
    unitName: unitId ? (units.get(unitId)?.name ?? null) : null,
  }));
}

/** Training (培训): sessions held for units and requests for training from the bureau or units. */
export function makeTrainingService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;

  async function loadRequest(em: EntityManager, actor: Actor, id: number): Promise<TrainingRequest> {
    const r = await em.findOneBy(TrainingRequest, { id });
    if (!r) throw new NotFoundError('RECORD_NOT_FOUND', `培训需求 #${id} 不存在`);
    if (isUnitScoped(actor) && r.unitId !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的培训需求');
    return r;
  }

  return {
    /** Records a session; naming a request marks that request scheduled. */
    async createSession(actor: Actor, raw: CreateTrainingSessionInput): Promise<TrainingSession> {
      requirePermission(actor, 'desk.record.write');
      const input = createTrainingSessionSchema.parse(raw);
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        const codes = [...new Set(input.unitCodes)];
        if (codes.length > 0) {
          const found = new Set(
            (await em.createQueryBuilder(Unit, 'u').select('u.code').where('u.code IN (:...codes)', { codes }).getMany()).map(
              (u) => u.code,
            ),
          );
          const missing = codes.filter((c) => !found.has(c));
          if (missing.length > 0) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${missing.join('、')} 不存在`);
        }
        if (input.requestId) {
          const req = await loadRequest(em, actor, input.requestId);
          if (req.status === 'declined' || req.status === 'done')
            throw new ConflictError('STATE_NOT_ALLOWED', `培训需求 #${req.id} 已${req.status === 'done' ? '完成' : '拒绝'}`);
        }
        const s = em.create(TrainingSession, {
          ...input,
          unitCodes: codes,
          requestId: input.requestId ?? null,
          createdById: actor.userId,
          createdAt: now,
        });
        await em.save(s);
        if (input.requestId) await em.update(TrainingRequest, input.requestId, { status: 'scheduled', sessionId: s.id });
        await recordAudit(em, actor, now, { action: 'training.create', entityType: 'training_session', entityId: s.id, after: input });
        return s;
      });
    },

    async getSession(id: number): Promise<TrainingSession> {
      const s = await ds.getRepository(TrainingSession).findOneBy({ id });
      if (!s) throw new NotFoundError('RECORD_NOT_FOUND', `培训 #${id} 不存在`);
      return s;
    },

    /** Newest first; any signed-in user may see the training calendar. */
    async listSessions(q: ListTrainingsQuery): Promise<Page<TrainingSession>> {
      const qb = ds.getRepository(TrainingSession).createQueryBuilder('s').orderBy('s.date', 'DESC').addOrderBy('s.id', 'DESC');
      if (q.from) qb.andWhere('s.date >= :from', { from: q.from });
      if (q.to) qb.andWhere('s.date <= :to', { to: q.to });
      // unitCodes is JSON text: a quoted code cannot match inside another code.
      if (q.unitCode) qb.andWhere('s.unitCodes LIKE :code', { code: `%"${q.unitCode}"%` });
      const { skip, take } = pageWindow(q);
      const [items, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /** A request; unit staff request for their own unit only. */
    async createRequest(actor: Actor, input: CreateTrainingRequestInput): Promise<TrainingRequestView> {
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        let unitId: number | null = null;
        if (isUnitScoped(actor)) {
          if (input.unitCode && input.unitCode !== actor.unitCode) throw new ForbiddenError('OTHER_UNIT', '只能为本单位提出培训需求');
          unitId = actor.unitId;
        } else if (input.unitCode) unitId = (await unitByCode(em, input.unitCode)).id;
        else requirePermission(actor, 'desk.record.read');
        const r = em.create(TrainingRequest, {
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
        await em.save(r);
        await recordAudit(em, actor, now, {
          action: 'training-request.create',
          entityType: 'training_request',
          entityId: r.id,
          after: input,
        });
        return (await requestViews(em, [r]))[0];
      });
    },

    /** Moves a request along (open → scheduled → done, or declined). */
    async updateRequest(actor: Actor, id: number, input: UpdateTrainingRequestInput): Promise<TrainingRequestView> {
      requirePermission(actor, 'training.request.manage');
      return inTransaction(ds, async (em) => {
        const r = await loadRequest(em, actor, id);
        if (r.status === 'done' && input.status !== 'done')
          throw new ValidationError('STATE_NOT_ALLOWED', `培训需求 #${id} 已完成，不能改回 ${input.status}`);
        const patch = { status: input.status, note: input.note ?? r.note };
        await em.update(TrainingRequest, id, patch);
        await recordAudit(em, actor, clock.now(), {
          action: 'training-request.update',
          entityType: 'training_request',
          entityId: id,
          before: { status: r.status },
          after: patch,
        });
        return (await requestViews(em, [{ ...r, ...patch }]))[0];
      });
    },

    async listRequests(actor: Actor, q: ListTrainingRequestsQuery): Promise<Page<TrainingRequestView>> {
      const qb = ds.getRepository(TrainingRequest).createQueryBuilder('r').orderBy('r.id', 'DESC');
      if (isUnitScoped(actor)) qb.andWhere('r.unitId = :own', { own: actor.unitId });
      if (q.status) qb.andWhere('r.status = :s', { s: q.status });
      if (q.unitCode) qb.andWhere('r.unitId = :u', { u: (await unitByCode(ds.manager, q.unitCode)).id });
      const { skip, take } = pageWindow(q);
      const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items: await requestViews(ds.manager, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type TrainingService = ReturnType<typeof makeTrainingService>;
