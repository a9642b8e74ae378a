import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { allEntities } from './entities';
import { allMigrations } from './migrations';

export type DbKind = 'sqlite' | 'postgres';

/** Which engine a DATABASE_URL names. */
export function dbKindOf(url: string): DbKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

/** Builds (does not connect) a DataSource for `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
export function makeDataSource(url: string, opts: { logging?: boolean } = {}): DataSource {
  const common = {
    entities: allEntities,
    migrations: allMigrations,
    migrationsTableName: 'schema_migrations',
    logging: opts.logging ?? false,
  } as const;
  let options: DataSourceOptions;
  if (dbKindOf(url) === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    const memory = path === ':memory:' || path === '';
    if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
    options = {
      type: 'better-sqlite3',
      database: memory ? ':memory:' : path,
      enableWAL: !memory,
      // Several processes may open the same file (app + worker): wait for locks instead of failing.
      timeout: 10_000,
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('foreign_keys = ON');
      },
      ...common,
    };
  } else {
    options = { type: 'postgres', url, extra: { max: 10 }, ...common };
  }
  return new DataSource(options);
}

/** Connects and brings the schema up to date by running pending migrations. */
export async function openDatabase(url: string, opts: { logging?: boolean } = {}): Promise<DataSource> {
  const ds = makeDataSource(url, opts);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
