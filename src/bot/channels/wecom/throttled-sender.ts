import type { MessageSender, OutboundMessage } from '../../../domain/outbox/outbox.types';
import type { RateLimiter } from './throttle';

export interface ThrottleOptions {
  /** Longest a single send waits for room before giving up (the queue retries later). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Holds each message until every recipient is under WeCom's per-member limits (30/min, 1000/h)
 * or the robot under 20/min. WeCom drops excess app messages silently, so we must not exceed them.
 */
export function throttleSender(
  inner: MessageSender,
  limits: { member: RateLimiter; robot: RateLimiter },
  o: ThrottleOptions = {},
): MessageSender {
  const maxWaitMs = o.maxWaitMs ?? 65_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;

  async function take(limiter: RateLimiter, key: string): Promise<void> {
    const deadline = now() + maxWaitMs;
    for (;;) {
      const r = await limiter.tryTake(key, now());
      if (r.ok) return;
      if (now() + r.retryAfterMs > deadline) throw new Error(`rate limit for ${key}: retry in ${r.retryAfterMs} ms`);
      await sleep(r.retryAfterMs + 5);
    }
  }

  return {
    async send(m: OutboundMessage): Promise<void> {
      if (m.channel === 'app') for (const u of m.toUsers) await take(limits.member, `member:${u}`);
      else await take(limits.robot, `robot:${m.robot}`);
      await inner.send(m);
    },
  };
}
