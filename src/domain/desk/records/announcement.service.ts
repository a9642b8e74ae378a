import type { DataSource, EntityManager } from 'typeorm';
import { In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { recordAudit } from '../../audit/audit.service';
import { Unit } from '../../catalog/unit.entity';
import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import { inTransaction, lockRow } from '../../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import { type Actor } from '../../identity/actor';
import { User } from '../../identity/user.entity';
import { enqueueOutbox } from '../../outbox/outbox';
import { Announcement, AnnouncementBatch } from './announcement.entity';
import { createAnnouncementSchema, type CreateAnnouncementInput, type ListAnnouncementsQuery } from './records.schemas';
import { can, requirePermission } from '../../policy';

export interface AnnouncementOptions {
  /** Members per WeCom message (the API takes up to 1000). */
  batchSize?: number;
  /** Gap between batches, so a broadcast never bursts against WeCom's per-app and per-member limits. */
  batchIntervalMs?: number;
}

const KIND_NAMES: Record<string, string> = { announcement: '公告', briefing: '简报' };

/** Announcements and briefings (公告、简报): drafted, then published to units' staff in throttled batches. */
export function makeAnnouncementService(deps: { ds: DataSource; clock: Clock } & AnnouncementOptions) {
  const { ds, clock } = deps;
  const batchSize = deps.batchSize ?? 100;
  const batchIntervalMs = deps.batchIntervalMs ?? 20_000;

  async function load(em: EntityManager, actor: Actor, id: number): Promise<Announcement> {
    const a = await em.findOneBy(Announcement, { id });
    if (!a) throw new NotFoundError('RECORD_NOT_FOUND', `公告 #${id} 不存在`);
    if (
      !can(actor, 'desk.record.read') &&
      (a.status !== 'published' || (a.unitCodes !== null && !a.unitCodes.includes(actor.unitCode ?? '')))
    ) {
      throw new ForbiddenError('PERMISSION_DENIED', '无权查看该公告');
    }
    return a;
  }

  async function checkUnits(em: EntityManager, codes: string[]): Promise<number[]> {
    const units = await em.find(Unit, { where: { code: In(codes) }, select: { id: true, code: true } });
    const missing = codes.filter((c) => !units.some((u) => u.code === c));
    if (missing.length > 0) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${missing.join('、')} 不存在`);
    return units.map((u) => u.id);
  }

  return {
    /** A draft; `unitCodes` limits the audience, else every unit. */
    async create(actor: Actor, raw: CreateAnnouncementInput): Promise<Announcement> {
      requirePermission(actor, 'desk.record.write');
      const input = createAnnouncementSchema.parse(raw);
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        const codes = input.unitCodes ? [...new Set(input.unitCodes)] : null;
        if (codes) await checkUnits(em, codes);
        const a = em.create(Announcement, {
          kind: input.kind,
          title: input.title,
          body: input.body,
          unitCodes: codes,
          status: 'draft',
          recipientCount: 0,
          batchCount: 0,
          queuedBatches: 0,
          createdById: actor.userId,
          createdAt: now,
          publishedAt: null,
          publishedById: null,
        });
        await em.save(a);
        await recordAudit(em, actor, now, { action: 'announcement.create', entityType: 'announcement', entityId: a.id, after: input });
        return a;
      });
    },

    /**
     * Publishes a draft: the audience (active unit staff with a WeCom id) is fixed now and cut into
     * batches that the announcements job releases one interval apart.
     */
    async publish(actor: Actor, id: number): Promise<Announcement> {
      requirePermission(actor, 'desk.record.write');
      return inTransaction(ds, async (em) => {
        const now = clock.now();
        await lockRow(em, 'announcement', id);
        const a = await load(em, actor, id);
        if (a.status !== 'draft') throw new ConflictError('STATE_NOT_ALLOWED', `公告 #${id} 已发布，不能重复发布`);
        const where = {
          role: 'unit_staff' as const,
          active: true,
          wecomUserId: Not(IsNull()),
          ...(a.unitCodes ? { unitId: In(await checkUnits(em, a.unitCodes)) } : {}),
        };
        const to = [
          ...new Set(
            (await em.find(User, { where, select: { wecomUserId: true }, order: { id: 'ASC' } })).map((u) => u.wecomUserId as string),
          ),
        ];
        if (to.length === 0) throw new ConflictError('NO_RECIPIENTS', '没有可推送的单位人员：目标单位尚无登记企业微信账号的经办人');
        const batches: Array<Partial<AnnouncementBatch>> = [];
        for (let i = 0; i < to.length; i += batchSize) {
          const seq = batches.length;
          batches.push({
            announcementId: id,
            seq,
            toUsers: to.slice(i, i + batchSize),
            status: 'pending',
            availableAt: new Date(now.getTime() + seq * batchIntervalMs),
            queuedAt: null,
          });
        }
        await em.insert(AnnouncementBatch, batches as never);
        const patch = {
          status: 'published',
          recipientCount: to.length,
          batchCount: batches.length,
          publishedAt: now,
          publishedById: actor.userId,
        };
        await em.update(Announcement, id, patch);
        await recordAudit(em, actor, now, {
          action: 'announcement.publish',
          entityType: 'announcement',
          entityId: id,
          after: { recipientCount: to.length, batches: batches.length },
        });
        return { ...a, ...patch };
      });
    },

    /** The announcements job: hands each due batch to the outbox once (conditional claim). */
    async dispatchDue(limit = 20): Promise<number> {
      const now = clock.now();
      const due = await ds.getRepository(AnnouncementBatch).find({
        where: { status: 'pending', availableAt: LessThanOrEqual(now) as never },
        order: { availableAt: 'ASC', id: 'ASC' },
        take: limit,
      });
      let queued = 0;
      for (const b of due) {
        const done = await inTransaction(ds, async (em) => {
          const r = await em.update(AnnouncementBatch, { id: b.id, status: 'pending' }, { status: 'queued', queuedAt: now });
          if ((r.affected ?? 0) !== 1) return false;
          const a = await em.findOneByOrFail(Announcement, { id: b.announcementId });
          const content = `**【${KIND_NAMES[a.kind] ?? '公告'}】${a.title}**\n\n${a.body}`;
          await enqueueOutbox(em, `announcement-${a.id}-b${b.seq}`, { channel: 'app', toUsers: b.toUsers, kind: 'markdown', content }, now);
          await em.increment(Announcement, { id: a.id }, 'queuedBatches', 1);
          return true;
        });
        if (done) queued++;
      }
      return queued;
    },

    async get(actor: Actor, id: number): Promise<Announcement> {
      return load(ds.manager, actor, id);
    },

    /** Newest first; unit staff see what was published to them. */
    async list(actor: Actor, q: ListAnnouncementsQuery): Promise<Page<Announcement>> {
      const qb = ds.getRepository(Announcement).createQueryBuilder('a').orderBy('a.id', 'DESC');
      if (!can(actor, 'desk.record.read')) {
        // JsonColumn stores a null audience as the JSON text null.
        qb.andWhere("a.status = 'published'").andWhere("(a.unitCodes IS NULL OR a.unitCodes = 'null' OR a.unitCodes LIKE :code)", {
          code: `%"${actor.unitCode ?? '-'}"%`,
        });
      }
      if (q.status) qb.andWhere('a.status = :s', { s: q.status });
      const { skip, take } = pageWindow(q);
      const [items, total] = await qb.skip(skip).take(take).getManyAndCount();
      return { items, total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type AnnouncementService = ReturnType<typeof makeAnnouncementService>;
