import { MoreThan, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { checkLedgerInvariants, type Violation } from '../ledger/invariants.queries';
import { dialectOf } from './dialect';
import { allEntities } from './entities';

export interface CopyReport {
  tables: Array<{ table: string; source: number; target: number }>;
  invariants: { ok: boolean; violations: Violation[] };
}

const CHUNK = 500;

/** Rows in every entity table (migration bookkeeping excluded). */
export async function rowCounts(db: DataSource | EntityManager): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const e of allEntities) {
    const repo = db.getRepository(e);
    out.set(repo.metadata.tableName, await repo.count());
  }
  return out;
}

/** Deletes every row of every entity table (children first). */
export async function wipe(em: EntityManager): Promise<void> {
  for (const e of [...allEntities].reverse()) await em.getRepository(e).clear();
}

/**
 * Copies every entity table from one database to another inside ONE target transaction, keeping
 * ids; then checks row counts and the ledger invariants on the target before committing. Reading
 * through the entities lets TypeORM convert types between SQLite and PostgreSQL.
 */
export async function copyAllData(
  src: DataSource,
  dst: DataSource,
  opts: { wipeFirst: boolean; onTable?: (t: string, n: number) => void },
): Promise<CopyReport> {
  const sourceCounts = await rowCounts(src);
  const dialect = dialectOf(dst);
  return dst.transaction(async (em) => {
    if (opts.wipeFirst) await wipe(em);
    for (const e of allEntities) {
      const target = e as EntityTarget<ObjectLiteral>;
      const meta = src.getMetadata(target);
      const pk = meta.primaryColumns[0].propertyName;
      // Naming every column keeps the ids: without a column list TypeORM leaves generated ids out of
      // the INSERT on PostgreSQL, the sequence renumbers the rows and every reference to them breaks.
      const columns = meta.columns.map((c) => c.propertyPath);
      let copied = 0;
      // Keyset paging: OFFSET would rescan the table for every chunk of a large journal.
      let last: unknown;
      for (;;) {
        const where = last === undefined ? {} : { [pk]: MoreThan(last) };
        const rows = await src.getRepository(target).find({ where, order: { [pk]: 'ASC' }, take: CHUNK });
        if (rows.length === 0) break;
        last = rows[rows.length - 1][pk];
        await em.createQueryBuilder().insert().into(target, columns).values(rows).execute();
        copied += rows.length;
      }
      opts.onTable?.(meta.tableName, copied);
      // Explicit ids bypass an id sequence: move it past the copied ids so new rows do not collide.
      if (meta.primaryColumns[0].isGenerated) await dialect.resetSequence(em, meta.tableName, meta.primaryColumns[0].databaseName);
    }
    const targetCounts = await rowCounts(em);
    const tables = [...sourceCounts].map(([table, source]) => ({ table, source, target: targetCounts.get(table) ?? 0 }));
    const mismatched = tables.filter((t) => t.source !== t.target);
    if (mismatched.length > 0)
      throw new Error(`row counts differ after copy: ${mismatched.map((m) => `${m.table} ${m.source}→${m.target}`).join(', ')}`);
    const invariants = await checkLedgerInvariants(em);
    if (!invariants.ok) throw new Error(`ledger invariants fail on the target: ${JSON.stringify(invariants.violations.slice(0, 5))}`);
    return { tables, invariants };
  });
}
