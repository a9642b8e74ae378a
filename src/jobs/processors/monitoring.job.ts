import type Bull from 'bull';
import type { Clock } from '../../domain/clock';
import type { AlertService } from '../../domain/monitoring/alert.service';
import { makeMonitor, type MonitoringStore, type Monitor, type Observation } from '../../domain/monitoring/monitor';
import { makeProbeSet, type ProbeThresholds } from '../../domain/monitoring/probes';
import type { Logger } from '../../logger';
import { nodeProbeIo } from '../adapters/probe-io';
import { QUEUES, type Queues, withTimeout } from '../queues';

/** The repeatable job's fixed id: every process adds it, Bull keeps one (keyed by id and interval). */
export const MONITORING_JOB_ID = 'monitoring-probes';

/** What boot passes in for the `monitoring` queue. */
export interface MonitoringSetup {
  /** Probe states, probe targets and the database ping (the domain store fits). */
  store: MonitoringStore;
  alerts: AlertService;
  everyMs: number;
  failuresBeforeAlert: number;
  thresholds: ProbeThresholds;
}

/** One round of probes per job; overlapping rounds are harmless (the monitor counts an observation once). */
export function makeMonitoringProcessor(deps: { monitor: Monitor; logger: Logger }) {
  return async (_job?: Bull.Job): Promise<Observation[]> => {
    const out = await deps.monitor.runOnce();
    for (const o of out)
      if (o.action === 'raised' || o.action === 'resolved') deps.logger.warn({ key: o.key, detail: o.detail }, `monitoring: ${o.action}`);
    return out;
  };
}

/** Adds the repeatable job, first dropping one of the same id left with another interval. */
export async function addMonitoringJob(queue: Bull.Queue, everyMs: number): Promise<void> {
  for (const r of await queue.getRepeatableJobs()) {
    if (r.id === MONITORING_JOB_ID && Number(r.every) !== everyMs) await queue.removeRepeatableByKey(r.key);
  }
  await queue.add({}, { jobId: MONITORING_JOB_ID, repeat: { every: everyMs }, removeOnComplete: 100, removeOnFail: 100 });
}

/**
 * Registers the repeatable job and, in worker processes, its processor. A Bull job cannot run while
 * Redis is away, which is exactly when its probe matters: a watchdog then runs the round locally.
 */
export function startMonitoring(deps: { queues: Queues; clock: Clock; logger: Logger; runWorkers: boolean } & MonitoringSetup) {
  const { queues, logger } = deps;
  const queue = queues[QUEUES.monitoring];
  const redisPing = () => queue.client.ping();
  const probes = makeProbeSet(
    deps.store,
    {
      ...nodeProbeIo,
      redisPing,
      queueCounts: async () => {
        const all = await Promise.all(Object.values(queues).map(async (q) => [q.name, await q.getJobCounts()] as const));
        return Object.fromEntries(all.map(([name, c]) => [name, { waiting: c.waiting, failed: c.failed }]));
      },
    },
    deps.thresholds,
  );
  const monitor = makeMonitor({
    store: deps.store,
    clock: deps.clock,
    alerts: deps.alerts,
    probes,
    options: { failuresBeforeAlert: deps.failuresBeforeAlert, minGapMs: deps.everyMs / 2 },
  });
  const registered = withTimeout(addMonitoringJob(queue, deps.everyMs), 5000, 'monitoring job').catch((err: Error) =>
    logger.warn({ err: err.message }, 'could not add the monitoring job (Redis down?); the watchdog probes meanwhile'),
  );
  let timer: NodeJS.Timeout | null = null;
  let round: Promise<unknown> | null = null;
  if (deps.runWorkers) {
    // Once the shared client is ready: before that Bull parks an 'error' listener on it per call,
    // and the queues already started leave no room under the default limit of 10.
    const client = queue.client;
    const ready = client.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => client.once('ready', () => resolve()));
    void ready.then(() => queue.process(1, makeMonitoringProcessor({ monitor, logger })));
    timer = setInterval(() => {
      if (round) return;
      round = withTimeout(redisPing(), deps.thresholds.checkTimeoutMs, 'redis ping')
        .then(
          () => undefined,
          () => makeMonitoringProcessor({ monitor, logger })(),
        )
        .catch((err: Error) => logger.error({ err: err.message }, 'monitoring watchdog round failed'))
        .finally(() => {
          round = null;
        });
    }, deps.everyMs);
    timer.unref();
  }
  return {
    monitor,
    registered,
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await round;
    },
  };
}
