import type Bull from 'bull';
import type { Clock } from '../domain/clock';
import type { OutboxRelayPort } from '../domain/outbox/outbox.repository';
import type { Logger } from '../logger';
import { withTimeout } from './queues';

export interface RelayOptions {
  intervalMs?: number;
  batch?: number;
  /** A queued message older than this with no result is assumed lost from Redis and re-relayed. */
  staleAfterMs?: number;
  /** How often to look for such messages. */
  sweepEveryMs?: number;
}

/**
 * Moves pending outbox rows into the notifications queue. Claiming is a conditional update, and
 * the Bull jobId is the outbox id, so any number of relays never enqueue a message twice. A
 * pending message past its expiry is dropped (status `expired`) and logged instead.
 */
export function makeOutboxRelay(
  deps: { outbox: OutboxRelayPort; queue: Bull.Queue; clock: Clock; logger: Logger },
  opts: RelayOptions = {},
) {
  const { outbox, queue, clock, logger } = deps;
  const intervalMs = opts.intervalMs ?? 1000;
  const batch = opts.batch ?? 100;
  const staleAfterMs = opts.staleAfterMs ?? 15 * 60_000;
  const sweepEveryMs = opts.sweepEveryMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let lastStaleSweep = 0;

  async function relayOnce(): Promise<number> {
    const now = clock.now();
    if (now.getTime() - lastStaleSweep > sweepEveryMs) {
      lastStaleSweep = now.getTime();
      const n = await outbox.requeueStale(new Date(now.getTime() - staleAfterMs));
      if (n > 0) logger.warn({ n }, 'outbox: re-relaying messages queued long ago without result');
    }
    for (const m of await outbox.expireDue(now, batch)) {
      logger.info(
        { outboxId: m.id, dedupeKey: m.dedupeKey, expiresAt: m.expiresAt, reason: m.expiryReason },
        'outbox: message expired before it could be sent; dropped',
      );
    }
    let relayed = 0;
    for (const id of await outbox.duePending(now, batch)) {
      if (!(await outbox.claim(id, now))) continue;
      try {
        await withTimeout(
          queue.add({ outboxId: id }, { jobId: `outbox-${id}`, attempts: 8, backoff: { type: 'exponential', delay: 2000 } }),
          3000,
          'queue.add',
        );
        relayed++;
      } catch (err) {
        // Redis is unavailable: leave the message in the outbox and stop this round.
        await outbox.release(id, now, 5000, (err as Error).message);
        logger.warn({ err: (err as Error).message }, 'outbox: queue unavailable, will retry');
        break;
      }
    }
    return relayed;
  }

  const tick = () => {
    if (running) return;
    running = relayOnce()
      .catch((err) => {
        logger.error({ err }, 'outbox relay failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    relayOnce,
    start() {
      timer ??= setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
