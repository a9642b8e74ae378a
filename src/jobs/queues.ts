import Bull from 'bull';
import Redis, { type RedisOptions } from 'ioredis';

/** Queue names (service-desk.md). */
export const QUEUES = {
  notifications: 'notifications',
  sla: 'sla',
  monitoring: 'monitoring',
  summaries: 'summaries',
  inspections: 'inspections',
  visits: 'visits',
  announcements: 'announcements',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export type Queues = Record<QueueName, Bull.Queue>;

/** Stalled-job recovery: a dead worker's job is picked up again once its lock lapses (Bull defaults 30 s). */
export interface QueueSettings {
  lockDuration?: number;
  stalledInterval?: number;
}

/**
 * Opens every queue over one Redis URL and key prefix. Bull needs separate connections for its
 * blocking and subscriber clients; those must not fail pending commands while Redis is away.
 */
export function makeQueues(redisUrl: string, prefix: string, settings: QueueSettings = {}): { queues: Queues; close: () => Promise<void> } {
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: false, lazyConnect: false };
  let shared: Redis | undefined;
  let sharedSub: Redis | undefined;
  // Connection errors surface through each queue's 'error' event (runtime.ts logs them); without a
  // listener here ioredis would also print every reconnect attempt as an unhandled error.
  // The shared clients serve every queue, and each queue adds its own listeners to them: allow that
  // many without Node's leak warning (7 queues × a few listeners).
  const open = () => new Redis(redisUrl, base).on('error', () => undefined).setMaxListeners(64);
  const createClient = (type: 'client' | 'subscriber' | 'bclient') => {
    if (type === 'client') return (shared ??= open());
    if (type === 'subscriber') return (sharedSub ??= open());
    return open();
  };
  const queues = Object.fromEntries(
    Object.values(QUEUES).map((name) => [
      name,
      new Bull(name, {
        prefix,
        createClient,
        settings: {
          ...(settings.lockDuration ? { lockDuration: settings.lockDuration } : {}),
          ...(settings.stalledInterval ? { stalledInterval: settings.stalledInterval } : {}),
        },
        defaultJobOptions: { removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 }, removeOnFail: { age: 30 * 24 * 3600 } },
      }),
    ]),
  ) as Queues;
  return {
    queues,
    close: async () => {
      await Promise.allSettled(Object.values(queues).map((q) => q.close()));
      shared?.disconnect();
      sharedSub?.disconnect();
    },
  };
}

/** Rejects when a Redis-backed call does not settle in time (Redis down must not hang callers). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
