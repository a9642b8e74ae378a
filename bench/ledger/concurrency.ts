import { loadavg } from 'node:os';
import type { DataSource } from 'typeorm';
import type { fixedClock } from '../../src/domain/clock';
import { systemActor } from '../../src/domain/identity/actor';
import { checkLedgerInvariants } from '../../src/domain/ledger/invariants.queries';
import type { DomainServices } from '../../src/domain/services';
import { runBatched } from './batched';

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

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/**
 * `clients` writers, each in its own transactions (one per call, as the API runs them, so each
 * holds a pooled connection of its own while it writes), for `seconds`: a cycle is application →
 * approval → issuance → write-off report → approval (5 calls) for a fresh unit × bill type pair.
 * Ends with the ledger invariants checked over the whole database.
 */
export async function runWriters(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  prepared: { billTypeCodes: string[]; unitCodes: string[] },
  opts: { clients: number; mode: 'spread' | 'same'; seconds: number; perIssue: number; used: Set<string> },
): Promise<WritersResult> {
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let unitCursor = 0;
  const deadline = Date.now() + opts.seconds * 1000;
  // A fresh pair per cycle (no rule about older stock interferes); pairs are never reused across runs.
  const nextUnit = (billTypeCode: string): string | null => {
    while (unitCursor < prepared.unitCodes.length) {
      const u = prepared.unitCodes[unitCursor++];
      const key = `${u}/${billTypeCode}`;
      if (!opts.used.has(key)) {
        opts.used.add(key);
        return u;
      }
    }
    return null;
  };
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const t = process.hrtime.bigint();
    const v = await call();
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    return v;
  };
  const started = Date.now();
  const client = async (i: number): Promise<void> => {
    const billTypeCode = prepared.billTypeCodes[opts.mode === 'same' ? 0 : i % prepared.billTypeCodes.length];
    while (Date.now() < deadline) {
      const unitCode = nextUnit(billTypeCode);
      if (!unitCode) return;
      try {
        const app = await timed(() => services.applications.create(systemActor, { unitCode, billTypeCode, quantity: opts.perIssue }));
        await timed(() => services.applications.approve(systemActor, app.id, {}));
        const r = (await timed(() => services.issuance.issue(systemActor, app.id))).ranges[0];
        const usedEnd = r.startNo + Math.floor(r.count * 0.7) - 1;
        const wo = await timed(() =>
          services.writeoffs.create(systemActor, {
            unitCode,
            billTypeCode,
            cutoffDate: '2025-06-30',
            amount: 100,
            used: [{ batchCode: r.batchCode, startNo: r.startNo, endNo: usedEnd }],
            voided: [],
            lost: [],
          }),
        );
        await timed(() => services.writeoffs.approve(systemActor, wo.id, { result: '合格' }));
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  clock.set('2025-07-01T01:00:00Z');
  await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  const seconds = (Date.now() - started) / 1000;
  lat.sort((a, b) => a - b);
  const inv = await checkLedgerInvariants(ds);
  return {
    clients: opts.clients,
    mode: opts.mode,
    calls: lat.length,
    seconds,
    perSecond: lat.length / seconds,
    p50: pct(lat, 0.5),
    p99: pct(lat, 0.99),
    errors,
    firstError,
    invariantsOk: inv.ok,
    violations: inv.violations.length,
  };
}

const TARGET_SCALING_AT_4 = 1.8;
const TARGET_P99_AT_8_MS = 50;

/**
 * The `--concurrency` figures: for each client count, writers on different bill types, then on
 * one bill type; each run ends with the invariants checked. Rows are [what, detail, figure].
 */
export async function concurrencyRows(
  services: DomainServices,
  ds: DataSource,
  clock: Clock,
  levels: number[],
  seconds: number,
  log: (s: string) => void,
): Promise<Array<[string, string, string]>> {
  const perIssue = 100;
  // Enough fresh pairs for the fastest run: ~400 calls/s × seconds × runs, 5 calls a cycle.
  const units = Math.max(200, Math.ceil((400 * seconds * levels.length * 2) / 5 / 20) + 50);
  log(`concurrent writers: ${units} units × 20 bill types, ${seconds} s per run, clients ${levels.join(', ')}`);
  const prepared = await prepareWriters(services, ds, clock, { billTypes: 20, units, perIssue });
  const used = new Set<string>();
  const rows: Array<[string, string, string]> = [];
  const results: WritersResult[] = [];
  for (const mode of ['spread', 'same'] as const) {
    for (const clients of levels) {
      const r = await runWriters(services, ds, clock, prepared, { clients, mode, seconds, perIssue, used });
      results.push(r);
      const one = results.find((x) => x.mode === mode && x.clients === 1);
      const ratio = one ? r.perSecond / one.perSecond : NaN;
      const checks: string[] = [];
      if (mode === 'spread' && clients === 4 && one)
        checks.push(`${ratio >= TARGET_SCALING_AT_4 ? 'PASS' : 'FAIL'} (≥ ${TARGET_SCALING_AT_4}× one client)`);
      if (clients === 8) checks.push(`${r.p99 <= TARGET_P99_AT_8_MS ? 'PASS' : 'FAIL'} (p99 ≤ ${TARGET_P99_AT_8_MS} ms)`);
      checks.push(r.errors === 0 ? 'no errors' : `FAIL ${r.errors} errors (${r.firstError})`);
      checks.push(r.invariantsOk ? 'invariants ok' : `FAIL ${r.violations} invariant violations`);
      rows.push([
        `writers, ${mode === 'spread' ? 'different bill types' : 'one bill type'}, ${clients} client${clients > 1 ? 's' : ''}`,
        `${r.calls} calls in ${r.seconds.toFixed(1)} s, p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms`,
        `${r.perSecond.toFixed(0)} calls/s${one && clients > 1 ? ` = ${ratio.toFixed(2)}× one client` : ''}  ${checks.join(', ')}  [load ${loadavg()[0].toFixed(1)}]`,
      ]);
      log(`  ${rows[rows.length - 1].join('  ')}`);
    }
  }
  return rows;
}
