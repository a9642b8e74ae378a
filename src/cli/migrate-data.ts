/**
 * Moves an installation between databases (运行环境迁移): SQLite ⇄ PostgreSQL either way.
 *   npm run migrate-data -- --from <DATABASE_URL> --to <DATABASE_URL> [--force]
 * The target schema is created by the migrations; a non-empty target is refused unless --force.
 */
import 'reflect-metadata';
import { copyAllData, rowCounts } from '../domain/db/copy-data';
import { makeDataSource, openDatabase } from '../domain/db/data-source';

function args(argv: string[]): { from: string; to: string; force: boolean } {
  const get = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const from = get('--from');
  const to = get('--to');
  if (!from || !to) throw new Error('usage: npm run migrate-data -- --from <DATABASE_URL> --to <DATABASE_URL> [--force]');
  if (from === to) throw new Error('--from and --to name the same database');
  return { from, to, force: argv.includes('--force') };
}

/** Runs the migration; exported for tests. */
export async function migrateData(o: { from: string; to: string; force: boolean; log?: (s: string) => void }): Promise<void> {
  const log = o.log ?? ((s: string) => console.log(s));
  const src = makeDataSource(o.from);
  await src.initialize();
  try {
    if (await src.showMigrations()) throw new Error('the source database has pending migrations: start the service on it once first');
    const dst = await openDatabase(o.to);
    try {
      const nonEmpty = [...(await rowCounts(dst))].filter(([, n]) => n > 0);
      if (nonEmpty.length > 0 && !o.force) {
        throw new Error(`the target is not empty (${nonEmpty.map(([t, n]) => `${t}: ${n}`).join(', ')}); use --force to replace its data`);
      }
      const report = await copyAllData(src, dst, { wipeFirst: nonEmpty.length > 0, onTable: (t, n) => log(`  ${t}: ${n} rows`) });
      log(
        `copied ${report.tables.reduce((s, t) => s + t.target, 0)} rows in ${report.tables.length} tables; counts match; ledger invariants ok`,
      );
    } finally {
      await dst.destroy();
    }
  } finally {
    await src.destroy();
  }
}

if (require.main === module) {
  migrateData(args(process.argv.slice(2))).catch((err: Error) => {
    console.error(`migrate-data failed: ${err.message}`);
    process.exit(1);
  });
}
