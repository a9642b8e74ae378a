/**
 * Prints every statement one build cycle sends (application → approval → issuance → write-off →
 * approval), call by call: `npm run bench:ledger:trace [-- --db <url>]`. It is the profile behind
 * the build's statements-per-call figure: what each call reads and writes, and what could go.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cliArgs, defineCli } from '../../src/cli/args';
import { loadConfig } from '../../src/config';
import { fixedClock } from '../../src/domain/clock';
import { makeDataSource, openDatabase } from '../../src/domain/db/data-source';
import { dbKindOf } from '../../src/domain/db/dialect';
import { systemActor } from '../../src/domain/identity/actor';
import { makeLogger } from '../../src/logger';
import { buildSystem } from '../../src/system';
import { runBatched } from './batched';
import { onStatement } from './measure';

const TRACE_CLI = defineCli({
  name: 'bench:ledger:trace',
  usage: 'npm run bench:ledger:trace -- [--db <url>]',
  about: 'Prints the statements of one application → approval → issuance → write-off → approval cycle, call by call.',
  flags: {
    db: {
      type: 'string',
      value: '<url>',
      defaultText: 'postgres://postgres@127.0.0.1:5432/test',
      help: 'database (a fresh schema of it on PostgreSQL)',
    },
  },
});

async function main(): Promise<void> {
  const url = cliArgs(TRACE_CLI).values.db ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = dbKindOf(url) === 'postgres' ? `bench_trace_${randomBytes(4).toString('hex')}` : undefined;
  if (schema) {
    const admin = await (await makeDataSource(url)).initialize();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.destroy();
  }
  const ds = await openDatabase(url, { schema });
  const clock = fixedClock('2025-01-02T01:00:00Z');
  const system = await buildSystem(loadConfig({ LOG_LEVEL: 'silent' }), makeLogger('silent'), { clock, database: ds });
  const s = system.services;
  // A statement sent behind an unanswered one (a pipelined write) is marked ↳: it starts no round trip.
  const seen: string[] = [];
  onStatement(ds, (sql, behind) => seen.push(`${behind ? '↳ ' : ''}${sql.replace(/\s+/g, ' ').slice(0, 220)}`));
  try {
    await s.catalog.createBillType(systemActor, {
      code: 'BT01',
      name: '基准票据',
      category: 'nontax',
      aliases: [],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    });
    await s.catalog.createUnit(systemActor, { code: 'U0001', name: '基准单位一', onboardingStatus: 'online' });
    await s.catalog.createUnit(systemActor, { code: 'U0002', name: '基准单位二', onboardingStatus: 'online' });
    await s.receipts.receive(systemActor, { billTypeCode: 'BT01', batchCode: '10000125', startNo: 1, endNo: 100_000 });
    for (const unitCode of ['U0001', 'U0002']) {
      const show = unitCode === 'U0002';
      await runBatched(s, ds, clock, [unitCode], 250, async (tx, code) => {
        const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
          seen.length = 0;
          const v = await fn();
          if (show) {
            const trips = seen.filter((q) => !q.startsWith('↳')).length;
            process.stdout.write(`\n== ${name}: ${seen.length} statements, ${trips} round trips\n`);
            for (const q of seen) process.stdout.write(`  ${q}\n`);
          }
          return v;
        };
        const app = await step('application.create', () =>
          tx.applications.create(systemActor, { unitCode: code, billTypeCode: 'BT01', quantity: 500 }),
        );
        await step('application.approve', () => tx.applications.approve(systemActor, app.id, {}));
        const issued = await step('issuance.issue', () => tx.issuance.issue(systemActor, app.id));
        const r = issued.ranges[0];
        clock.set('2025-07-01T01:00:00Z');
        const wo = await step('writeoff.create', () =>
          tx.writeoffs.create(systemActor, {
            unitCode: code,
            billTypeCode: 'BT01',
            cutoffDate: '2025-06-30',
            amount: 1000,
            used: [
              { batchCode: r.batchCode, startNo: r.startNo, endNo: r.startNo + 149 },
              { batchCode: r.batchCode, startNo: r.startNo + 151, endNo: r.startNo + 349 },
            ],
            voided: [{ batchCode: r.batchCode, startNo: r.startNo + 150, endNo: r.startNo + 150 }],
            lost: [],
          }),
        );
        await step('writeoff.approve', () => tx.writeoffs.approve(systemActor, wo.id, { result: '合格' }));
        clock.set('2025-01-02T01:00:00Z');
      });
    }
  } finally {
    await system.close();
    if (schema) {
      const admin = await (await makeDataSource(url)).initialize();
      await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      await admin.destroy();
    }
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
