import Bull from 'bull';
import type Redis from 'ioredis';
import type { RedisFactory } from '../redis';

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
export function makeQueues(
  redis: RedisFactory,
  prefix: string,
  settings: QueueSettings = {},
): { queues: Queues; close: () => Promise<void> } {
  let shared: Redis | undefined;
  let sharedSub: Redis | undefined;
  const bclients: Redis[] = [];
  const createClient = (type: 'client' | 'subscriber' | 'bclient') => {
    if (type === 'client') return (shared ??= redis.open('queues'));
    if (type === 'subscriber') return (sharedSub ??= redis.open('queue events'));
    const b = redis.open('queue worker');
    bclients.push(b);
    return b;
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
      for (const c of [shared, sharedSub, ...bclients]) c?.disconnect();
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
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
