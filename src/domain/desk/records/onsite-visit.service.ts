import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import type { DomainStore, Repositories } from '../../db/repositories';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { formatShanghai } from '../desk-notices';
import type { OnsiteVisit } from './onsite-visit.entity';
import { ticketById, unitCodes } from './records.common';
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

async function views(tx: Pick<Repositories, 'catalog'>, rows: OnsiteVisit[]): Promise<OnsiteVisitView[]> {
  const units = await unitCodes(
    tx,
    rows.map((r) => r.unitId),
  );
  return rows.map(({ unitId, ...r }) => ({ ...r, unitCode: units.get(unitId)?.code ?? '', unitName: units.get(unitId)?.name ?? '' }));
}

/** On-site service records (现场服务): dispatch, arrival, work done, result and the unit's signature. */
export function makeOnsiteVisitService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;

  async function load(tx: Pick<Repositories, 'onsiteVisits'>, actor: Actor, id: number): Promise<OnsiteVisit> {
    const row = await tx.onsiteVisits.byId(id);
    if (!row) throw new NotFoundError('RECORD_NOT_FOUND', `现场服务记录 #${id} 不存在`);
    if (isUnitScoped(actor) && row.unitId !== actor.unitId) throw new ForbiddenError('OTHER_UNIT', '只能查看本单位的现场服务记录');
    return row;
  }

  return {
    /** Records a visit; a signature without `signedAt` is taken as signed now. */
    async create(actor: Actor, input: CreateOnsiteVisitInput): Promise<OnsiteVisitView> {
      requirePermission(actor, 'desk.record.write');
      return store.transaction(async (tx) => {
        const now = clock.now();
        const unit = await tx.catalog.unitByCode(input.unitCode);
        if (input.ticketId) {
          const t = await ticketById(tx, input.ticketId);
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
        const row = await tx.onsiteVisits.insert({
          ...times,
          ticketId: input.ticketId ?? null,
          unitId: unit.id,
          workDone: input.workDone,
          result: input.result,
          engineerId: actor.userId,
          engineerName: actor.username,
          createdAt: now,
        });
        await tx.audit.record(actor, now, { action: 'onsite-visit.create', entityType: 'onsite_visit', entityId: row.id, after: input });
        return (await views(tx, [row]))[0];
      });
    },

    /** Completes a visit (arrival, work, signature); a signed record is final. */
    async update(actor: Actor, id: number, patch: UpdateOnsiteVisitInput): Promise<OnsiteVisitView> {
      requirePermission(actor, 'desk.record.write');
      return store.transaction(async (tx) => {
        const now = clock.now();
        const row = await load(tx, actor, id);
        if (row.unitSignature) throw new ConflictError('STATE_NOT_ALLOWED', `现场服务记录 #${id} 已由单位签字确认，不能再修改`);
        const next: OnsiteVisit = { ...row, ...patch };
        if (patch.unitSignature && !patch.signedAt) next.signedAt = now;
        checkTimes(next, now);
        await tx.onsiteVisits.save(next);
        await tx.audit.record(actor, now, {
          action: 'onsite-visit.update',
          entityType: 'onsite_visit',
          entityId: id,
          before: row,
          after: patch,
        });
        return (await views(tx, [next]))[0];
      });
    },

    async get(actor: Actor, id: number): Promise<OnsiteVisitView> {
      return (await views(store.read, [await load(store.read, actor, id)]))[0];
    },

    /** Newest dispatch first; unit staff see their own unit's visits. */
    async list(actor: Actor, q: ListOnsiteVisitsQuery): Promise<Page<OnsiteVisitView>> {
      const db = store.read;
      const unitId = q.unitCode ? (await db.catalog.unitByCode(q.unitCode)).id : undefined;
      const [rows, total] = await db.onsiteVisits.page(
        { own: isUnitScoped(actor) ? actor.unitId : undefined, unitId, ticketId: q.ticketId },
        pageWindow(q),
      );
      return { items: await views(db, rows), total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type OnsiteVisitService = ReturnType<typeof makeOnsiteVisitService>;
