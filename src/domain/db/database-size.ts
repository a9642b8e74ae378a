import type { DataSource } from 'typeorm';
import { dialectOf } from './dialect';

/** Bytes the database takes on disk, or null for an in-memory database (tests, demo). */
export type DatabaseSize = () => Promise<number | null>;

/**
 * The database's size: PostgreSQL reports its own; a SQLite file is measured with its WAL through
 * `sizeOf` (the job layer's file port, which counts a missing file as 0).
 */
export function makeDatabaseSize(ds: DataSource, sizeOf: (path: string) => Promise<number>): DatabaseSize {
  return async () => {
    const bytes = await dialectOf(ds).databaseBytes(ds);
    if (bytes !== null) return bytes;
    const file = String(ds.options.database ?? '');
    if (file === '' || file === ':memory:') return null;
    const [main, wal] = await Promise.all([sizeOf(file), sizeOf(`${file}-wal`)]);
    return main + wal;
  };
}
