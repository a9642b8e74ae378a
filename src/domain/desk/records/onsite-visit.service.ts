import type { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../../audit/audit.service';
import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import { inTransaction } from '../../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { formatShanghai } from '../desk-notices';
import { OnsiteVisit } from './onsite-visit.entity';
import { ticketById, unitByCode, unitCodes } from './records.common';
import type { CreateOnsiteVisitInput, ListOnsiteVisitsQuery, UpdateOnsiteVisitInput } from './records.schemas';
import { isUnitScoped, requirePermission } from '../../policy';

/** Clocks of field laptops drift; a few minutes ahead is not "in the future". */
const FUTURE_SLACK_MS = 10 * 60_000;

export type OnsiteVisitView = Omit<OnsiteVisit, 'unitId'> & { unitCode: string; unitName: string };

type Times = Pick<OnsiteVisit, 'dispatchedAt' | 'arrivedAt' | 'unitSignature' | 'signedAt'>;

/** The order of events on site: dispatch ≤ arrival ≤ signature, none in the future; a signature needs an arrival. */
function checkTimes(v: Times, now: Date): void {
  const fail = (path: string, message: string) => {
    throw new ValidationError('INVALID_INPUT', message, [{ path, message }]);
  };
  const late = now.getTime() + FUTURE_SLACK_MS;
  if (v.dispatchedAt.getTime() > late) fail('dispatchedAt', `派工时间 ${formatShanghai(v.dispatchedAt)} 晚于当前时间`);
  if (v.arrivedAt && v.arrivedAt.getTime() > late) fail('arrivedAt', `到达时间 ${formatShanghai(v.arrivedAt)} 晚于当前时间`);
  if (v.arrivedAt && v.arrivedAt < v.dispatchedAt) {
    fail('arrivedAt', `到达时间 ${formatShanghai(v.arrivedAt)} 不能早于派工时间 ${formatShanghai(v.dispatchedAt)}`);
  }
  if (v.signedAt && !v.unitSignature) fail('unitSignature', '填写了签字时间，请同时填写单位签字人');
  if (v.unitSignature && !v.arrivedAt) fail('unitSignature', '单位签字确认须在工程师到达现场之后，请先填写到达时间');
  if (v.signedAt && v.arrivedAt && v.signedAt < v.arrivedAt) {
    fail('signedAt', `签字时间 ${formatShanghai(v.signedAt)} 不能早于到达时间 ${formatShanghai(v.arrivedAt)}`);
  }
}

async function views(em: EntityManager, rows: OnsiteVisit[]): Promise<OnsiteVisitView[]> {
  const units = await unitCodes(
    em,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, ...r }) => ({ ...r, unitCode: units.get(unitId)?.code ?? '', unitName: units.get(unitId)?.name ?? '' }));
}

/** On-site service records (现场服务): dispatch, arrival, work done, result and the unit's signature. */
export function makeOnsiteVisitService(deps: { ds: DataSource; clock: Clock }) {
  const { ds, clock } = deps;

  async function load(em: EntityManager, actor: Actor, id: number): Promise<OnsiteVisit> {
    const row = await em.findOneBy(OnsiteVisit, { id });
    if (!row) throw new NotFoundError('RECORD_NOT_FOUND', `现场服务记录 #${id} 不存在`);
    if (isUnitScoped(actor) && row.unitId !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的现场服务记录');
    return row;
  }

  return {
    /** Records a visit; a signature without `signedAt` is taken as signed now. */
    async create(actor: Actor, input: CreateOnsiteVisitInput): Promise<OnsiteVisitView> {
      requirePermission(actor, 'desk.record.write');
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        const unit = await unitByCode(em, input.unitCode);
        if (input.ticketId) {
          const t = await ticketById(em, input.ticketId);
          if (t.unitId !== null && t.unitId !== unit.id) {
            throw new ValidationError('INVALID_INPUT', `工单 #${t.id} 不属于单位 ${unit.code}`, [
              { path: 'ticketId', message: '工单与单位不一致' },
            ]);
          }
        }
        const times: Times = {
          dispatchedAt: input.dispatchedAt,
          arrivedAt: input.arrivedAt ?? null,
          unitSignature: input.unitSignature ?? null,
          signedAt: input.signedAt ?? (input.unitSignature ? now : null),
        };
        checkTimes(times, now);
        const row = em.create(OnsiteVisit, {
          ...times,
          ticketId: input.ticketId ?? null,
          unitId: unit.id,
          workDone: input.workDone,
          result: input.result,
          engineerId: actor.userId,
          engineerName: actor.username,
          createdAt: now,
        });
        await em.save(row);
        await recordAudit(em, actor, now, { action: 'onsite-visit.create', entityType: 'onsite_visit', entityId: row.id, after: input });
        return (await views(em, [row]))[0];
      });
    },

    /** Completes a visit (arrival, work, signature); a signed record is final. */
    async update(actor: Actor, id: number, patch: UpdateOnsiteVisitInput): Promise<OnsiteVisitView> {
      requirePermission(actor, 'desk.record.write');
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        const row = await load(em, actor, id);
        if (row.unitSignature) throw new ConflictError('STATE_NOT_ALLOWED', `现场服务记录 #${id} 已由单位签字确认，不能再修改`);
        const next: OnsiteVisit = { ...row, ...patch } as OnsiteVisit;
        if (patch.unitSignature && !patch.signedAt) next.signedAt = now;
        checkTimes(next, now);
        await em.save(OnsiteVisit, next);
        await recordAudit(em, actor, now, {
          action: 'onsite-visit.update',
          entityType: 'onsite_visit',
          entityId: id,
          before: row,
          after: patch,
        });
        return (await views(em, [next]))[0];
      });
    },

    async get(actor: Actor, id: number): Promise<OnsiteVisitView> {
      return (await views(ds.manager, [await load(ds.manager, actor, id)]))[0];
    },

    /** Newest dispatch first; unit staff see their own unit's visits. */
    async list(actor: Actor, q: ListOnsiteVisitsQuery): Promise<Page<OnsiteVisitView>> {
      const qb = ds.getRepository(OnsiteVisit).createQueryBuilder('v').orderBy('v.dispatchedAt', 'DESC').addOrderBy('v.id', 'DESC');
      if (isUnitScoped(actor)) qb.andWhere('v.unitId = :own', { own: actor.unitId });
      if (q.unitCode) qb.andWhere('v.unitId = :uid', { uid: (await unitByCode(ds.manager, q.unitCode)).id });
      if (q.ticketId) qb.andWhere('v.ticketId = :tid', { tid: q.ticketId });
      const { skip, take } = pageWindow(q);
      const [rows, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items: await views(ds.manager, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type OnsiteVisitService = ReturnType<typeof makeOnsiteVisitService>;
