import { rawReads } from '../db/raw-reads';
import type { RepoContext } from '../db/store';
import { Setting } from './setting.entity';

/** Key/value settings kept in the database (generated secrets, region rules). */
export function makeSettingsRepository({ em, dialect }: RepoContext) {
  const raw = rawReads(em, dialect);
  return {
    async get(key: string): Promise<string | null> {
      return (await raw.first(Setting, (sql) => `WHERE "key" = ${sql.p(key)}`))?.value ?? null;
    },
    /** Reads a setting, creating it with `make()` the first time (first writer wins across processes). */
    async getOrCreate(key: string, make: () => string): Promise<string> {
      const found = await em.findOneBy(Setting, { key });
      if (found) return found.value;
      await dialect.insertIgnore(em, Setting, { key, value: make() });
      return (await em.findOneByOrFail(Setting, { key })).value;
    },
    /** One upsert statement: processes starting together may set the same key at once. */
    async set(key: string, value: string): Promise<void> {
      await em.upsert(Setting, { key, value }, ['key']);
    },
    /** Every setting whose key starts with `prefix`, in one statement. */
    async byPrefix(prefix: string): Promise<Setting[]> {
      return em
        .createQueryBuilder(Setting, 's')
        .where('s.key LIKE :p', { p: `${prefix}%` })
        .getMany();
    },
    async remove(key: string): Promise<void> {
      await em.delete(Setting, { key });
    },
  };
}
export type SettingsRepository = ReturnType<typeof makeSettingsRepository>;
