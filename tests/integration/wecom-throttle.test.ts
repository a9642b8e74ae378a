import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeMemoryRateLimiter,
  makeRedisRateLimiter,
  WECOM_RATE_LIMITS,
  type RateLimiter,
  type RateWindow,
} from '../../src/bot/channels/wecom/throttle';

const T0 = 1_700_000_000_000;

async function takeN(limiter: RateLimiter, key: string, n: number, at: (i: number) => number) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await limiter.tryTake(key, at(i)));
  return results;
}

/** The same behaviour is required of both implementations. */
function behaves(name: string, make: (windows: readonly RateWindow[]) => RateLimiter) {
  describe(`${name} rate limiter`, () => {
    it('when a member sends 30 messages in a minute, then the 31st is refused until the first leaves the window', async () => {
      const limiter = make(WECOM_RATE_LIMITS.member);
      const results = await takeN(limiter, 'member:u1', 31, (i) => T0 + i * 1000);
      expect(results.slice(0, 30).every((r) => r.ok)).toBe(true);
      expect(results[30]).toEqual({ ok: false, retryAfterMs: 30_000 });
      expect(await limiter.tryTake('member:u1', T0 + 59_999)).toMatchObject({ ok: false, retryAfterMs: 1 });
      expect(await limiter.tryTake('member:u1', T0 + 60_000)).toEqual({ ok: true });
    });

    it('when one member is limited, then another member is not', async () => {
      const limiter = make(WECOM_RATE_LIMITS.member);
      await takeN(limiter, 'member:a', 30, () => T0);
      expect((await limiter.tryTake('member:a', T0)).ok).toBe(false);
      expect((await limiter.tryTake('member:b', T0)).ok).toBe(true);
    });

    it('when a member stays under 30/min but reaches 1000 in an hour, then the hourly window refuses', async () => {
      const limiter = make(WECOM_RATE_LIMITS.member);
      // 25 per minute for 40 minutes = 1000 messages.
      const results = await takeN(limiter, 'member:busy', 1000, (i) => T0 + Math.floor(i / 25) * 60_000 + (i % 25));
      expect(results.every((r) => r.ok)).toBe(true);
      const refused = await limiter.tryTake('member:busy', T0 + 40 * 60_000);
      expect(refused).toEqual({ ok: false, retryAfterMs: 20 * 60_000 });
      expect((await limiter.tryTake('member:busy', T0 + 3_600_000)).ok).toBe(true);
    });

    it('when a robot posts 20 in a minute, then the 21st is refused; refused takes do not count', async () => {
      const limiter = make(WECOM_RATE_LIMITS.robot);
      await takeN(limiter, 'robot:ops', 20, (i) => T0 + i);
      for (let i = 0; i < 5; i++) expect((await limiter.tryTake('robot:ops', T0 + 100 + i)).ok).toBe(false);
      expect(await limiter.tryTake('robot:ops', T0 + 60_001)).toEqual({ ok: true });
      expect(await limiter.tryTake('robot:ops', T0 + 60_001)).toEqual({ ok: true });
    });

    it('when many takes land in the same millisecond, then each one counts', async () => {
      const limiter = make([{ windowMs: 1000, max: 5 }]);
      const results = await Promise.all(Array.from({ length: 8 }, () => limiter.tryTake('same-ms', T0)));
      expect(results.filter((r) => r.ok)).toHaveLength(5);
    });
  });
}

behaves('memory', (w) => makeMemoryRateLimiter(w));

describe('memory rate limiter', () => {
  it('when windows are invalid, then construction throws', () => {
    expect(() => makeMemoryRateLimiter([])).toThrow(RangeError);
    expect(() => makeMemoryRateLimiter([{ windowMs: 0, max: 1 }])).toThrow(RangeError);
  });
});

const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
const prefix = `test:wecom-throttle:${randomUUID()}:`;

async function keysWithPrefix(): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

beforeAll(async () => {
  await redis.connect();
});
afterAll(async () => {
  const keys = await keysWithPrefix();
  if (keys.length > 0) await redis.del(...keys);
  expect(await keysWithPrefix()).toEqual([]);
  await redis.quit();
});

let run = 0;
// Each limiter gets its own sub-prefix so tests do not see each other's keys.
behaves('redis', (windows) => makeRedisRateLimiter({ redis, prefix: `${prefix}${run++}:`, windows }));

describe('redis rate limiter', () => {
  it('when two limiter instances (two processes) share a prefix, then they share the limit', async () => {
    const shared = `${prefix}shared:`;
    const a = makeRedisRateLimiter({ redis, prefix: shared, windows: WECOM_RATE_LIMITS.robot });
    const b = makeRedisRateLimiter({ redis, prefix: shared, windows: WECOM_RATE_LIMITS.robot });
    await takeN(a, 'robot:ops', 10, (i) => T0 + i);
    await takeN(b, 'robot:ops', 10, (i) => T0 + 10 + i);
    expect((await a.tryTake('robot:ops', T0 + 50)).ok).toBe(false);
    expect((await b.tryTake('robot:ops', T0 + 50)).ok).toBe(false);
  });

  it('when keys are written, then they carry the prefix and an expiry no longer than the longest window', async () => {
    const limiter = makeRedisRateLimiter({ redis, prefix: `${prefix}ttl:`, windows: WECOM_RATE_LIMITS.member });
    await limiter.tryTake('member:u9', Date.now());
    const ttl = await redis.pttl(`${prefix}ttl:member:u9`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });
});
