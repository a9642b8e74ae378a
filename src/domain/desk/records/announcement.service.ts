import type { Clock } from '../../clock';
import { pageWindow, type Page } from '../../common/pagination';
import type { DomainStore, Repositories } from '../../db/repositories';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors';
import { type Actor } from '../../identity/actor';
import type { Announcement, AnnouncementBatch } from './announcement.entity';
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
export function makeAnnouncementService(deps: { store: DomainStore; clock: Clock } & AnnouncementOptions) {
  const { store, clock } = deps;
  const batchSize = deps.batchSize ?? 100;
  const batchIntervalMs = deps.batchIntervalMs ?? 20_000;

  function visible(actor: Actor, a: Announcement | null, id: number): Announcement {
    if (!a) throw new NotFoundError('RECORD_NOT_FOUND', `公告 #${id} 不存在`);
    if (
      !can(actor, 'desk.record.read') &&
      (a.status !== 'published' || (a.unitCodes !== null && !a.unitCodes.includes(actor.unitCode ?? '')))
    ) {
      throw new ForbiddenError('PERMISSION_DENIED', '无权查看该公告');
    }
    return a;
  }

  async function checkUnits(tx: Pick<Repositories, 'catalog'>, codes: string[]): Promise<number[]> {
    const units = await tx.catalog.unitsByCodes(codes);
    const missing = codes.filter((c) => !units.some((u) => u.code === c));
    if (missing.length > 0) throw new NotFoundError('UNIT_NOT_FOUND', `单位 ${missing.join('、')} 不存在`);
    return units.map((u) => u.id);
  }

  return {
    /** A draft; `unitCodes` limits the audience, else every unit. */
    async create(actor: Actor, raw: CreateAnnouncementInput): Promise<Announcement> {
      requirePermission(actor, 'desk.record.write');
      const input = createAnnouncementSchema.parse(raw);
      return store.transaction(async (tx) => {
        const now = clock.now();
        const codes = input.unitCodes ? [...new Set(input.unitCodes)] : null;
        if (codes) await checkUnits(tx, codes);
        const a = await tx.announcements.insert({
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
        await tx.audit.record(actor, now, { action: 'announcement.create', entityType: 'announcement', entityId: a.id, after: input });
        return a;
      });
    },

    /**
     * Publishes a draft: the audience (active unit staff with a WeCom id) is fixed now and cut into
     * batches that the announcements job releases one interval apart.
     */
    async publish(actor: Actor, id: number): Promise<Announcement> {
      requirePermission(actor, 'desk.record.write');
      return store.transaction(async (tx) => {
        const now = clock.now();
        const a = visible(actor, await tx.announcements.findForUpdate(id), id);
        if (a.status !== 'draft') throw new ConflictError('STATE_NOT_ALLOWED', `公告 #${id} 已发布，不能重复发布`);
        const unitIds = a.unitCodes ? await checkUnits(tx, a.unitCodes) : undefined;
        const staff = await tx.identity.activeWithRole('unit_staff', { unitIds, withWecomId: true });
        const to = [...new Set(staff.map((u) => u.wecomUserId as string))];
        if (to.length === 0) throw new ConflictError('NO_RECIPIENTS', '没有可推送的单位人员：目标单位尚无登记企业微信账号的经办人');
        const batches: Array<Omit<AnnouncementBatch, 'id'>> = [];
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
        await tx.announcements.insertBatches(batches);
        const patch = {
          status: 'published',
          recipientCount: to.length,
          batchCount: batches.length,
          publishedAt: now,
          publishedById: actor.userId,
        };
        await tx.announcements.update(id, patch);
        await tx.audit.record(actor, now, {
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
      const due = await store.read.announcements.duePendingBatches(now, limit);
      let queued = 0;
      for (const b of due) {
        const done = await store.transaction(async (tx) => {
          if (!(await tx.announcements.claimBatch(b.id, now))) return false;
          const a = await tx.announcements.byId(b.announcementId);
          if (!a) throw new Error(`announcement ${b.announcementId} of batch ${b.id} is missing`);
          const content = `**【${KIND_NAMES[a.kind] ?? '公告'}】${a.title}**\n\n${a.body}`;
          await tx.outbox.enqueue(`announcement-${a.id}-b${b.seq}`, { channel: 'app', toUsers: b.toUsers, kind: 'markdown', content }, now);
          await tx.announcements.addQueuedBatch(a.id);
          return true;
        });
        if (done) queued++;
      }
      return queued;
    },

    async get(actor: Actor, id: number): Promise<Announcement> {
      return visible(actor, await store.read.announcements.byId(id), id);
    },

    /** Newest first; unit staff see what was published to them. */
    async list(actor: Actor, q: ListAnnouncementsQuery): Promise<Page<Announcement>> {
      const audience = can(actor, 'desk.record.read') ? undefined : (actor.unitCode ?? '-');
      const [items, total] = await store.read.announcements.page({ audience, status: q.status }, pageWindow(q));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },
  };
}
export type AnnouncementService = ReturnType<typeof makeAnnouncementService>;
