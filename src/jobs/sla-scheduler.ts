import type Bull from 'bull';
import type { Clock } from '../domain/clock';
import type { SlaJobData } from '../domain/desk/desk.schemas';
import type { SlaClock } from '../domain/desk/sla-clock.entity';
import type { SlaClockService } from '../domain/desk/sla-clock.service';
import type { Logger } from '../logger';
import { withTimeout } from './queues';

/** Deterministic per clock, action and due instant: re-timing a clock makes new ids, old jobs find it changed. */
export const slaJobId = (clockId: number, action: SlaJobData['action'], dueEpoch: number): string => `sla-${clockId}-${action}-${dueEpoch}`;

const REDIS_TIMEOUT_MS = 3000;
// A job that ran before its instant (another process's clock is behind) is retried, not dropped.
const JOB_OPTS = { attempts: 10, backoff: { type: 'exponential', delay: 5000 } } satisfies Bull.JobOptions;

/**
 * Keeps the `sla` queue in step with the sla_clock rows: delayed jobs for the warning and the breach
 * of every running clock, made on each committed change, at start-up and by a periodic resync
 * (which also repairs what a Redis outage lost). Adding an existing jobId is a no-op in Bull.
 */
export function makeSlaScheduler(deps: {
  queue: Bull.Queue<SlaJobData>;
  clocks: SlaClockService;
  clock: Clock;
  logger: Logger;
  resyncMs?: number;
}) {
  const { queue, clocks, clock, logger } = deps;
  let unsubscribe: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<number> | null = null;

  async function schedule(c: SlaClock): Promise<void> {
    const due = c.dueAt.getTime();
    const now = clock.now().getTime();
    const plan: Array<[SlaJobData['action'], number]> = [['breach', due]];
    if (!c.warnedAt && c.warnAt.getTime() < due) plan.unshift(['warn', c.warnAt.getTime()]);
    for (const [action, at] of plan) {
      const data: SlaJobData = { clockId: c.id, action, dueAt: due };
      await withTimeout(
        queue.add(data, { ...JOB_OPTS, jobId: slaJobId(c.id, action, due), delay: Math.max(0, at - now) }),
        REDIS_TIMEOUT_MS,
        'sla schedule',
      );
    }
  }

  // Best effort: a job left behind finds the clock stopped or re-timed and does nothing.
  async function unschedule(c: SlaClock): Promise<void> {
    for (const action of ['warn', 'breach'] as const) {
      const job = await withTimeout(queue.getJob(slaJobId(c.id, action, c.dueAt.getTime())), REDIS_TIMEOUT_MS, 'sla unschedule');
      await job?.remove().catch(() => undefined);
    }
  }

  async function apply(changed: SlaClock[]): Promise<void> {
    for (const c of changed) {
      try {
        await (c.state === 'running' ? schedule(c) : unschedule(c));
      } catch (err) {
        logger.warn({ clockId: c.id, err: (err as Error).message }, 'sla job scheduling failed; the resync will retry');
      }
    }
  }

  /** Schedules every running clock (a deadline missed while down fires at once); returns how many. */
  // One pass at a time: with Redis down each add waits for its timeout, and passes must not pile up.
  function rebuild(): Promise<number> {
    inFlight ??= (async () => {
      const running = await clocks.running();
      await apply(running);
      return running.length;
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    schedule,
    unschedule,
    apply,
    rebuild,
    /** Listens to clock changes, rebuilds now and then every `resyncMs` (default 5 min). */
    start(): Promise<number> {
      unsubscribe = clocks.subscribe((changed) => void apply(changed));
      timer = setInterval(
        () => void rebuild().catch((err: Error) => logger.warn({ err: err.message }, 'sla resync failed')),
        deps.resyncMs ?? 5 * 60_000,
      );
      timer.unref();
      return rebuild().catch((err: Error) => {
        logger.warn({ err: err.message }, 'sla rebuild failed; the resync will retry');
        return 0;
      });
    },
    stop(): void {
      unsubscribe?.();
      if (timer) clearInterval(timer);
      unsubscribe = null;
      timer = null;
    },
  };
}
export type SlaScheduler = ReturnType<typeof makeSlaScheduler>;
