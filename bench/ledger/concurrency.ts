import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { fixedClock } from '../../src/domain/clock';
import { systemActor } from '../../src/domain/identity/actor';
import { checkLedgerInvariants } from '../../src/domain/ledger/invariants.queries';
import type { DomainServices } from '../../src/domain/services';
import { machineBusyMs } from '../lib/machine-cpu';
import { runBatched } from './batched';
import type { WriterReport, WriterTask } from './writer-client';

type Clock = ReturnType<typeof fixedClock>;

/** One run of concurrent writers. */
export interface WritersResult {
  clients: number;
  /** 'spread': client i works on bill type i (mod the types); 'same': every client on one bill type. */
  mode: 'spread' | 'same';
  calls: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Cores the machine kept busy during the run (every process), or null where it cannot be read. */
  coresBusy: number | null;
  /**
   * CPU per call (µs): the writers' own, their PostgreSQL backends', and the rest of the machine
   * (PostgreSQL's WAL writer and checkpointer, the kernel, the bench itself); null where unread.
   */
  cpuPerCall: { writers: number; writersInKernel: number; backends: number | null; rest: number | null };
  /** Calls that failed (deadlock, lock timeout, refusal): the target is none. */
  errors: number;
  firstError: string | null;
  invariantsOk: boolean;
  violations: number;
}

/** Bill types and a warehouse stock big enough for every cycle any run can make. */
export async function prepareWriters(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  opts: { billTypes: number; units: number; perIssue: number },
): Promise<{ billTypeCodes: string[]; unitCodes: string[] }> {
  clock.set('2025-01-02T01:00:00Z');
  const billTypeCodes = Array.from({ length: opts.billTypes }, (_, i) => `CW${String(i + 1).padStart(2, '0')}`);
  const unitCodes = Array.from({ length: opts.units }, (_, i) => `W${String(i + 1).padStart(5, '0')}`);
  await runBatched(services, ds, clock, billTypeCodes, 100, (s, code) =>
    s.catalog.createBillType(systemActor, {
      code,
      name: `并发票据${code}`,
      category: 'nontax',
      aliases: [],
      copies: 3,
      retentionYears: 5,
      electronic: false,
    }),
  );
  await runBatched(services, ds, clock, unitCodes, 250, (s, code) =>
    s.catalog.createUnit(systemActor, { code, name: `并发单位${code}`, onboardingStatus: 'online' }),
  );
  // Every unit may take one issuance of every bill type: receive enough numbers for that.
  const batchSize = 1_000_000;
  const perType = Math.ceil((opts.units * opts.perIssue) / batchSize);
  const receipts = billTypeCodes.flatMap((code, ti) =>
    Array.from({ length: perType }, (_, b) => ({ code, batchCode: `7${String(ti).padStart(2, '0')}${String(b + 1).padStart(5, '0')}` })),
  );
  await runBatched(services, ds, clock, receipts, 100, (s, r) =>
    s.receipts.receive(systemActor, { billTypeCode: r.code, batchCode: r.batchCode, startNo: 1, endNo: batchSize }),
  );
  return { billTypeCodes, unitCodes };
}

function cpuPerCall(reports: WriterReport[], calls: number, machineMs: number | null): WritersResult['cpuPerCall'] {
  const perCall = (ms: number) => (ms * 1000) / Math.max(1, calls);
  const writers = reports.reduce((n, r) => n + r.nodeCpuMs, 0);
  const backends = reports.every((r) => r.backendCpuMs !== null) ? reports.reduce((n, r) => n + r.backendCpuMs!, 0) : null;
  return {
    writers: perCall(writers),
    writersInKernel: perCall(reports.reduce((n, r) => n + r.nodeSystemMs, 0)),
    backends: backends === null ? null : perCall(backends),
    rest: backends === null || machineMs === null ? null : perCall(machineMs - writers - backends),
  };
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * `clients` writers, each a process of its own with its own connection (as several app processes
 * would be), started together and run for `seconds`; each cycle takes a fresh unit × bill type pair.
 * Ends with the ledger invariants checked over the whole database.
 */
export async function runWriters(
  ds: DataSource,
  target: { url: string; schema?: string },
  prepared: { billTypeCodes: string[]; unitCodes: string[] },
  opts: { clients: number; mode: 'spread' | 'same'; seconds: number; perIssue: number; used: Set<string>; maxCycles: number },
): Promise<WritersResult> {
  let cursor = 0;
  // Fresh pairs, handed out before the start so no writer waits for another to pick one.
  const unitsFor = (billTypeCode: string): string[] => {
    const out: string[] = [];
    while (out.length < opts.maxCycles && cursor < prepared.unitCodes.length) {
      const u = prepared.unitCodes[cursor++];
      if (opts.used.has(`${u}/${billTypeCode}`)) continue;
      out.push(u);
    }
    return out;
  };
  const tasks: WriterTask[] = Array.from({ length: opts.clients }, (_, i) => {
    // The one-bill-type runs use the last type, which the spread runs reach only with 20 writers.
    const types = prepared.billTypeCodes;
    const billTypeCode = opts.mode === 'same' ? types[types.length - 1] : types[i % types.length];
    if (opts.mode === 'spread') cursor = 0;
    return {
      ...target,
      billTypeCode,
      unitCodes: unitsFor(billTypeCode),
      seconds: opts.seconds,
      perIssue: opts.perIssue,
      warmup: WARMUP_CYCLES,
    };
  });
  const children = tasks.map((task) =>
    fork(join(__dirname, 'writer-client.js'), [JSON.stringify(task)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const reports = children.map(
    (child) =>
      new Promise<WriterReport>((resolve, reject) => {
        child.on('message', (m) => {
          if (m !== 'ready') resolve(m as WriterReport);
        });
        child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`writer exited with ${code}`))));
      }),
  );
  await Promise.all(children.map((c) => new Promise<void>((resolve) => c.once('message', () => resolve()))));
  const started = Date.now();
  const busy0 = machineBusyMs();
  for (const c of children) c.send('go');
  const done = await Promise.all(reports);
  const seconds = (Date.now() - started) / 1000;
  const busy1 = machineBusyMs();
  for (const [i, r] of done.entries())
    for (const u of tasks[i].unitCodes.slice(0, r.cycles)) opts.used.add(`${u}/${tasks[i].billTypeCode}`);
  const lat = done.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const inv = await checkLedgerInvariants(ds);
  return {
    clients: opts.clients,
    mode: opts.mode,
    calls: lat.length,
    seconds,
    perSecond: lat.length / seconds,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    errors: done.reduce((n, r) => n + r.errors, 0),
    firstError: done.find((r) => r.firstError)?.firstError ?? null,
    invariantsOk: inv.ok,
    violations: inv.violations.length,
    coresBusy: busy0 === null || busy1 === null ? null : (busy1 - busy0) / 1000 / seconds,
    cpuPerCall: cpuPerCall(done, lat.length, busy0 === null || busy1 === null ? null : busy1 - busy0),
  };
}

const TARGET_SCALING_AT_4 = 1.8;
/**
 * Cycles each writer runs before the timed run starts, unmeasured: a fresh process compiles its
 * code and TypeORM's query paths on its first calls, which a long-running app process did long ago.
 */
export const WARMUP_CYCLES = 8;
const TARGET_P99_AT_8_MS = 50;

/**
 * The `--concurrency` figures: for each client count, writers on different bill types, then on
 * one bill type; each run ends with the invariants checked. Rows are [what, detail, figure].
 */
export async function concurrencyRows(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  target: { url: string; schema?: string },
  levels: number[],
  seconds: number,
  log: (s: string) => void,
): Promise<Array<[string, string, string]>> {
  const perIssue = 100;
  // Each writer gets up to 60 fresh pairs a second (300 calls/s, more than one writer managed here)
  // plus its warm-up pairs; the one-bill-type runs need that many units per writer, plus what the
  // earlier runs used.
  const maxCycles = 60 * seconds + WARMUP_CYCLES;
  const units = maxCycles * (Math.max(...levels) + 2);
  log(`concurrent writers: ${units} units × 20 bill types, ${seconds} s per run, clients ${levels.join(', ')}`);
  const prepared = await prepareWriters(services, ds, clock, { billTypes: 20, units, perIssue });
  const used = new Set<string>();
  const rows: Array<[string, string, string]> = [];
  const results: WritersResult[] = [];
  for (const mode of ['spread', 'same'] as const) {
    for (const clients of levels) {
      const r = await runWriters(ds, target, prepared, { clients, mode, seconds, perIssue, used, maxCycles });
      results.push(r);
      const one = results.find((x) => x.mode === mode && x.clients === 1);
      const ratio = one ? r.perSecond / one.perSecond : NaN;
      const checks: string[] = [];
      if (mode === 'spread' && clients === 4 && one)
        checks.push(`${ratio >= TARGET_SCALING_AT_4 ? 'PASS' : 'FAIL'} (≥ ${TARGET_SCALING_AT_4}× one client)`);
      if (clients === 8) checks.push(`${r.p99 <= TARGET_P99_AT_8_MS ? 'PASS' : 'FAIL'} (p99 ≤ ${TARGET_P99_AT_8_MS} ms)`);
      checks.push(r.errors === 0 ? 'no errors' : `FAIL ${r.errors} errors (${r.firstError})`);
      checks.push(r.invariantsOk ? 'invariants ok' : `FAIL ${r.violations} invariant violations`);
      // What one writer keeps busy bounds what more can add: with it using c of n cores, n clients
      // can reach at most n / c × its throughput, however well they run in parallel.
      const busy = r.coresBusy === null ? '' : `, ${r.coresBusy.toFixed(2)} of ${cpus().length} cores busy`;
      const ceiling = clients === 1 && r.coresBusy ? ` (more clients: at most ${(cpus().length / r.coresBusy).toFixed(2)}×)` : '';
      const { writers, writersInKernel, backends, rest } = r.cpuPerCall;
      const writer = `writer ${writers.toFixed(0)} (kernel ${writersInKernel.toFixed(0)})`;
      const cpu =
        backends === null || rest === null
          ? `; CPU per call: ${writer} µs`
          : `; CPU per call: ${writer} + backend ${backends.toFixed(0)} + rest ${rest.toFixed(0)} = ${(writers + backends + rest).toFixed(0)} µs`;
      rows.push([
        `writers, ${mode === 'spread' ? 'different bill types' : 'one bill type'}, ${clients} client${clients > 1 ? 's' : ''}`,
        `${r.calls} calls in ${r.seconds.toFixed(1)} s, p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms${busy}${ceiling}${cpu}`,
        `${r.perSecond.toFixed(0)} calls/s${one && clients > 1 ? ` = ${ratio.toFixed(2)}× one client` : ''}  ${checks.join(', ')}  [load ${loadavg()[0].toFixed(1)}]`,
      ]);
      log(`  ${rows[rows.length - 1].join('  ')}`);
    }
  }
  return rows;
}
