import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { allEntities } from './entities';
import { allMigrations } from './migrations';
import { dbKindOf } from './dialect';

export interface DbOptions {
  logging?: boolean;
  /** PostgreSQL schema to use (tests isolate each file in its own schema). */
  schema?: string;
  poolSize?: number;
  /** PostgreSQL: how old a connection's statement plans may grow before they are made again (pg-prepared.ts). */
  replanEveryMs?: number;
}

/**
 * Builds (does not connect) a DataSource for `sqlite:<path>`, `sqlite::memory:` or `postgres://…`.
 * Async because pg is loaded only for a PostgreSQL URL: on the embedded default it would cost the
 * start ~25 ms and 4 MB (pg probes for Cloudflare's runtime by loading Node's fetch classes).
 */
export async function makeDataSource(url: string, opts: DbOptions = {}): Promise<DataSource> {
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
    // PreparingClient: repeated statements are parsed once per connection and their plans are made
    // again every few seconds (pg-prepared.ts says why). The pool hands `extra` to each client.
    // The server's default mode is set explicitly: a server configured otherwise keeps this rule.
    const { PreparingClient } = await import('./pg-prepared');
    const settings = ['-c plan_cache_mode=auto'];
    if (opts.schema) settings.push(`-c search_path=${opts.schema}`);
    const extra: Record<string, unknown> = {
      max: opts.poolSize ?? 10,
      Client: PreparingClient,
      replanEveryMs: opts.replanEveryMs,
      options: settings.join(' '),
    };
    options = { type: 'postgres', url, schema: opts.schema, extra, ...common };
  }
  return new DataSource(options);
}

/** Connects and brings the schema up to date by running pending migrations. */
export async function openDatabase(url: string, opts: DbOptions = {}): Promise<DataSource> {
  const ds = await makeDataSource(url, opts);
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}
