import type Redis from 'ioredis';
import type { LoginLimiter } from '../../domain/identity/login-guard';
import type { Logger } from '../../logger';

// INCR with the window set on the first attempt; returns the count and the window's remaining ms.
const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export interface LoginLimiterOptions {
  /** Opens the Redis connection on first use (a process that never sees a login opens none). */
  redis: () => Redis;
  prefix: string;
  /** The database's counter, used while Redis does not answer in time. */
  fallback: (key: string, now: Date, windowMs: number) => Promise<{ count: number; windowStart: Date }>;
  max: number;
  windowMs: number;
  logger: Logger;
  /** How long Redis may take before the database counts instead. */
  timeoutMs?: number;
}

/**
 * Login attempts per client address in a fixed window, counted in Redis (shared by every app
 * process) and in the database while Redis is unreachable, so an outage does not lift the limit.
 */
export function makeLoginLimiter(o: LoginLimiterOptions): LoginLimiter {
  let client: Redis | undefined;
  const timeoutMs = o.timeoutMs ?? 300;

  async function viaRedis(key: string): Promise<{ count: number; retryMs: number }> {
    client ??= o.redis();
    const c = client;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('redis timed out')), timeoutMs);
    });
    try {
      // Commands queue while the connection is being made (the first login after start): wait for it, briefly.
      const reply = (await Promise.race([c.eval(HIT, 1, `${o.prefix}:login:${key}`, String(o.windowMs)), timeout])) as [number, number];
      return { count: reply[0], retryMs: Math.max(0, reply[1]) };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async attempt(key, now) {
      let count: number;
      let retryMs: number;
      try {
        ({ count, retryMs } = await viaRedis(key));
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'login limits: Redis unavailable, counting in the database');
        const row = await o.fallback(key, now, o.windowMs);
        count = row.count;
        retryMs = row.windowStart.getTime() + o.windowMs - now.getTime();
      }
      return { allowed: count <= o.max, retryAfterS: Math.max(1, Math.ceil(retryMs / 1000)) };
    },
  };
}
