import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Setting } from './setting.entity';

/** Reads a setting, creating it with `make()` the first time (first writer wins across processes). */
export async function getOrCreateSetting(ds: DataSource, key: string, make: () => string): Promise<string> {
  const repo = ds.getRepository(Setting);
  const found = await repo.findOneBy({ key });
  if (found) return found.value;
  await repo.createQueryBuilder().insert().into(Setting).values({ key, value: make() }).orIgnore().execute();
  return (await repo.findOneByOrFail({ key })).value;
}

/** The token-signing key: generated at first start and kept in the database (api.md). */
export const authSecretFromDb = (ds: DataSource): Promise<string> =>
  getOrCreateSetting(ds, 'auth.secret', () => randomBytes(48).toString('base64url'));
