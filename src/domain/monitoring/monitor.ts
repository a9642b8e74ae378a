import type { Clock } from '../clock';
import type { Repositories } from '../db/repositories';
import type { Store } from '../db/store';
import type { AlertService } from './alert.service';
import type { ProbeState } from './probe-state.entity';
import type { Probe, ProbeResult } from './probes';

/** The slice of the domain store monitoring uses: probe states, targets and incidents, and a database ping. */
export type MonitoringStore = Pick<Store<Pick<Repositories, 'monitoring'>>, 'read' | 'ping'>;

export interface MonitorOptions {
  /** Consecutive down observations before an alert (damps blips). */
  failuresBeforeAlert: number;
  /**
   * Observations of one probe closer together than this count once: several processes (or a
   * retried job) running the same round do not double the failure streak.
   */
  minGapMs: number;
}
export const DEFAULT_MONITOR: MonitorOptions = { failuresBeforeAlert: 2, minGapMs: 30_000 };

export interface Observation extends ProbeResult {
  key: string;
  failures: number;
  action: 'raised' | 'resolved' | 'none' | 'skipped';
}

/**
 * Runs the probes and turns state changes into alerts. The streak lives in probe_state and the
 * alert state in the incident table, not in memory, so any process may run a round.
 */
export function makeMonitor(deps: {
  store: MonitoringStore;
  clock: Clock;
  alerts: AlertService;
  probes: () => Promise<Probe[]>;
  options?: Partial<MonitorOptions>;
}) {
  const { clock, alerts } = deps;
  const { monitoring } = deps.store.read;
  const opts = { ...DEFAULT_MONITOR, ...deps.options };

  // Compare-and-set on the previous check time: of two processes observing together, one counts.
  async function record(key: string, r: ProbeResult, now: Date): Promise<Pick<ProbeState, 'failures' | 'downSince'> | null> {
    const prev = await monitoring.probeState(key);
    if (prev && now.getTime() - prev.checkedAt.getTime() < opts.minGapMs) return null;
    const failures = r.status === 'down' ? (prev?.failures ?? 0) + 1 : 0;
    const downSince = r.status === 'down' ? (prev?.status === 'down' && prev.downSince ? prev.downSince : now) : null;
    const row = { status: r.status, failures, downSince, detail: r.detail.slice(0, 500), checkedAt: now };
    if (!prev) {
      await monitoring.insertProbeState(key, row);
      return row;
    }
    return (await monitoring.replaceProbeState(key, prev.checkedAt, row)) ? row : null;
  }

  async function observe(p: Probe, r: ProbeResult, now: Date): Promise<Observation> {
    const seen = await record(p.key, r, now);
    if (seen === null) return { key: p.key, ...r, failures: 0, action: 'skipped' };
    const { failures } = seen;
    const firing = (await alerts.byKey(p.key))?.state === 'firing';
    if (r.status === 'down' && failures >= opts.failuresBeforeAlert && !firing) {
      await alerts.raise({
        key: p.key,
        source: 'probe',
        severity: p.severity,
        title: p.title,
        detail: r.detail,
        labels: { probe: p.key },
        startedAt: seen.downSince ?? now,
      });
      return { key: p.key, ...r, failures, action: 'raised' };
    }
    if (r.status === 'up' && firing) {
      await alerts.resolve(p.key);
      return { key: p.key, ...r, failures, action: 'resolved' };
    }
    return { key: p.key, ...r, failures, action: 'none' };
  }

  return {
    options: opts,
    /** One round: every probe (in parallel), then the state changes (in order), then flap settling. */
    async runOnce(): Promise<Observation[]> {
      const probes = await deps.probes();
      const results = await Promise.all(
        probes.map((p) => p.run().catch((err: Error): ProbeResult => ({ status: 'down', detail: `检查失败：${err.message}` }))),
      );
      const now = clock.now();
      const out: Observation[] = [];
      for (const [i, p] of probes.entries()) out.push(await observe(p, results[i], now));
      await alerts.settle();
      return out;
    },
    /** The last observation of every probe (for /health and the API). */
    states: (): Promise<ProbeState[]> => monitoring.probeStates(),
  };
}
export type Monitor = ReturnType<typeof makeMonitor>;
