/**
 * One concurrent writer of `bench:ledger --concurrency`, in a process of its own (forked by
 * concurrency.ts) with its own connection: opens the database, runs its warm-up cycles, says
 * "ready", and on "go" runs
 * cycles of application → approval → issuance → write-off report → approval (5 service calls, each
 * its own transaction as the API runs it) for its units until the time is up; reports latencies.
 */
import 'reflect-metadata';
import { fixedClock } from '../../src/domain/clock';
import { openDatabase } from '../../src/domain/db/data-source';
import { makeDomainStore } from '../../src/domain/db/repositories';
import { systemActor } from '../../src/domain/identity/actor';
import { makeDomainServices } from '../../src/domain/services';
import { processCpuMs } from '../lib/machine-cpu';

/** What the parent sends. */
export interface WriterTask {
  url: string;
  schema?: string;
  billTypeCode: string;
  unitCodes: string[];
  seconds: number;
  perIssue: number;
  /** Cycles run before "ready", unmeasured (the first units of `unitCodes`). */
  warmup: number;
}

/** What the writer reports. */
export interface WriterReport {
  latencies: number[];
  /** Units used, warm-up included. */
  cycles: number;
  errors: number;
  firstError: string | null;
  /** CPU this process spent in the timed run (ms), and how much of it in the kernel. */
  nodeCpuMs: number;
  nodeSystemMs: number;
  /** CPU its PostgreSQL backend spent in the timed run (ms); null on SQLite or without /proc. */
  backendCpuMs: number | null;
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]) as WriterTask;
  const ds = await openDatabase(task.url, { schema: task.schema, poolSize: 1 });
  const clock = fixedClock('2025-07-01T01:00:00Z');
  const services = makeDomainServices({
    store: makeDomainStore(ds),
    clock,
    loginLimiter: { attempt: () => Promise.reject(new Error('writers do not log in')) },
    duties: { separate: true },
  });
  const report: WriterReport = { latencies: [], cycles: 0, errors: 0, firstError: null, nodeCpuMs: 0, nodeSystemMs: 0, backendCpuMs: null };
  // The backend serving this writer's connection: its CPU is the database's share of each call.
  const backendPid =
    ds.options.type === 'postgres' ? Number((await ds.query<Array<{ pid: number }>>('SELECT pg_backend_pid() AS "pid"'))[0].pid) : null;
  let measuring = false;
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const t = process.hrtime.bigint();
    const v = await call();
    if (measuring) report.latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    return v;
  };
  const { billTypeCode, perIssue } = task;
  const cycle = async (unitCode: string): Promise<void> => {
    report.cycles++;
    try {
      const app = await timed(() => services.applications.create(systemActor, { unitCode, billTypeCode, quantity: perIssue }));
      await timed(() => services.applications.approve(systemActor, app.id, {}));
      const r = (await timed(() => services.issuance.issue(systemActor, app.id))).ranges[0];
      const wo = await timed(() =>
        services.writeoffs.create(systemActor, {
          unitCode,
          billTypeCode,
          cutoffDate: '2025-06-30',
          amount: 100,
          used: [{ batchCode: r.batchCode, startNo: r.startNo, endNo: r.startNo + Math.floor(r.count * 0.7) - 1 }],
          voided: [],
          lost: [],
        }),
      );
      await timed(() => services.writeoffs.approve(systemActor, wo.id, { result: '合格' }));
    } catch (err) {
      report.errors++;
      report.firstError ??= (err as Error).message;
    }
  };
  // Warm-up before "ready": the writers all start timing warm, as long-running app processes are.
  for (const unitCode of task.unitCodes.slice(0, task.warmup)) await cycle(unitCode);
  await new Promise<void>((resolve) => {
    process.once('message', () => resolve());
    process.send!('ready');
  });
  measuring = true;
  const cpu0 = process.cpuUsage();
  const backend0 = backendPid === null ? null : processCpuMs(backendPid);
  const deadline = Date.now() + task.seconds * 1000;
  for (const unitCode of task.unitCodes.slice(task.warmup)) {
    if (Date.now() >= deadline) break;
    await cycle(unitCode);
  }
  const cpu = process.cpuUsage(cpu0);
  report.nodeCpuMs = (cpu.user + cpu.system) / 1000;
  report.nodeSystemMs = cpu.system / 1000;
  const backend1 = backendPid === null ? null : processCpuMs(backendPid);
  report.backendCpuMs = backend0 === null || backend1 === null ? null : backend1 - backend0;
  await ds.destroy();
  process.send!(report, () => process.exit(0));
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
