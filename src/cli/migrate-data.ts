/**
 * Moves an installation between databases (运行环境迁移): SQLite ⇄ PostgreSQL either way.
 *   npm run migrate-data -- --from <DATABASE_URL> --to <DATABASE_URL> [--force]
 * The target schema is created by the migrations; a non-empty target is refused unless --force.
 */
import 'reflect-metadata';
import { copyAllData, rowCounts } from '../domain/db/copy-data';
import { makeDataSource, openDatabase } from '../domain/db/data-source';
import { cliArgs, defineCli, usageError } from './args';

const MIGRATE_DATA_CLI = defineCli({
  name: 'migrate-data',
  usage: 'npm run migrate-data -- --from <DATABASE_URL> --to <DATABASE_URL> [--force]',
  about:
    'Copies every table from one database to another (SQLite ⇄ PostgreSQL either way), then checks row counts and the ' +
    "ledger invariants on the target. The target's schema is created by the migrations.",
  flags: {
    from: { type: 'string', value: '<url>', required: true, help: 'the source database (sqlite:… or postgres://…)' },
    to: { type: 'string', value: '<url>', required: true, help: 'the target database' },
    force: { type: 'boolean', help: "replace the target's data when it is not empty" },
  },
});

function args(argv: string[]): { from: string; to: string; force: boolean } {
  const { values } = cliArgs(MIGRATE_DATA_CLI, argv);
  if (values.from === values.to) usageError(MIGRATE_DATA_CLI, '--from and --to name the same database');
  return values;
}

/** Runs the migration; exported for tests. */
export async function migrateData(o: { from: string; to: string; force: boolean; log?: (s: string) => void }): Promise<void> {
  const log = o.log ?? ((s: string) => console.log(s));
  const src = await makeDataSource(o.from);
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
