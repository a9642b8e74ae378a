import { LessThanOrEqual } from 'typeorm';
import type { RepoContext } from '../../db/store';
import { Announcement, AnnouncementBatch } from './announcement.entity';

/** Announcements and briefings (公告、简报) with their throttled delivery batches. */
export function makeAnnouncementRepository({ em, dialect }: RepoContext) {
  return {
    async insert(values: Omit<Announcement, 'id'>): Promise<Announcement> {
      return em.save(em.create(Announcement, values));
    },
    async update(id: number, patch: Partial<Omit<Announcement, 'id'>>): Promise<void> {
      await em.update(Announcement, id, patch);
    },
    byId: (id: number): Promise<Announcement | null> => em.findOneBy(Announcement, { id }),
    /** An announcement read with a row lock (inside a transaction, on engines that lock rows). */
    findForUpdate: (id: number): Promise<Announcement | null> =>
      dialect.forUpdate(em, em.createQueryBuilder(Announcement, 'a').where('a.id = :id', { id })).getOne(),
    /**
     * Newest first. `audience` limits the list to what a unit's staff may read: published, to
     * every unit or to that unit.
     */
    page(f: { audience?: string; status?: string }, window: { skip: number; take: number }): Promise<[Announcement[], number]> {
      const qb = em.createQueryBuilder(Announcement, 'a').orderBy('a.id', 'DESC');
      if (f.audience !== undefined) {
        // JsonColumn stores a null audience as the JSON text null. A unit matches as its whole quoted
        // code (LIKE would read `_` in a code as a wildcard, and ignores case on SQLite).
        qb.andWhere("a.status = 'published'").andWhere(
          `(a.unitCodes IS NULL OR a.unitCodes = 'null' OR ${dialect.position('a.unitCodes', ':code')} > 0)`,
          { code: JSON.stringify(f.audience) },
        );
      }
      if (f.status) qb.andWhere('a.status = :s', { s: f.status });
      return qb.skip(window.skip).take(window.take).getManyAndCount();
    },
    async addQueuedBatch(id: number): Promise<void> {
      await em.increment(Announcement, { id }, 'queuedBatches', 1);
    },

    async insertBatches(batches: Array<Omit<AnnouncementBatch, 'id'>>): Promise<void> {
      await em.insert(AnnouncementBatch, batches);
    },
    /** Pending batches whose time has come, oldest first. */
    duePendingBatches: (now: Date, limit: number): Promise<AnnouncementBatch[]> =>
      em.find(AnnouncementBatch, {
        where: { status: 'pending', availableAt: LessThanOrEqual(now) as never },
        order: { availableAt: 'ASC', id: 'ASC' },
        take: limit,
      }),
    /** pending → queued; true only for the one caller that made the change. */
    async claimBatch(id: number, now: Date): Promise<boolean> {
      const r = await em.update(AnnouncementBatch, { id, status: 'pending' }, { status: 'queued', queuedAt: now });
      return (r.affected ?? 0) === 1;
    },
  };
}
export type AnnouncementRepository = ReturnType<typeof makeAnnouncementRepository>;
