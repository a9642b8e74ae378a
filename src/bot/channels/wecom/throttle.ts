import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/** A sliding-window limiter; a take succeeds only if every window has room, and then counts in all. */
export interface RateLimiter {
  tryTake(key: string, now: number): Promise<TakeResult>;
}

export interface RateWindow {
  windowMs: number;
  max: number;
}

/** WeCom's own limits, mirrored on our side because excess app messages are dropped silently. */
export const WECOM_RATE_LIMITS = {
  member: [
    { windowMs: 60_000, max: 30 },
    { windowMs: 3_600_000, max: 1000 },
  ],
  robot: [{ windowMs: 60_000, max: 20 }],
} as const satisfies Record<string, readonly RateWindow[]>;

export type WecomRateLimits = Record<'member' | 'robot', readonly RateWindow[]>;

/** The same windows with other maxima (config WECOM_MEMBER_PER_MIN/_PER_HOUR, WECOM_ROBOT_PER_MIN). */
export function wecomRateLimits(o: { memberPerMin: number; memberPerHour: number; robotPerMin: number }): WecomRateLimits {
  return {
    member: [
      { windowMs: 60_000, max: o.memberPerMin },
      { windowMs: 3_600_000, max: o.memberPerHour },
    ],
    robot: [{ windowMs: 60_000, max: o.robotPerMin }],
  };
}

function checkWindows(windows: readonly RateWindow[]): void {
  if (windows.length === 0) throw new RangeError('at least one window is required');
  for (const w of windows) {
    if (!(w.windowMs > 0 && Number.isInteger(w.max) && w.max > 0)) throw new RangeError('windowMs and max must be positive');
  }
}

/** Milliseconds until the oldest entry blocking a full window leaves it; sorted ascending stamps. */
function waitFor(stamps: number[], window: RateWindow, now: number): number {
  const inWindow = stamps.filter((t) => t > now - window.windowMs);
  if (inWindow.length < window.max) return 0;
  return inWindow[inWindow.length - window.max] + window.windowMs - now;
}

/** In-process sliding-window log; for tests and a single process. */
export function makeMemoryRateLimiter(windows: readonly RateWindow[]): RateLimiter & { size(): number } {
  checkWindows(windows);
  const longest = Math.max(...windows.map((w) => w.windowMs));
  const log = new Map<string, number[]>();
  return {
    async tryTake(key, now) {
      const stamps = (log.get(key) ?? []).filter((t) => t > now - longest);
      const wait = Math.max(...windows.map((w) => waitFor(stamps, w, now)));
      if (wait > 0) {
        log.set(key, stamps);
        return { ok: false, retryAfterMs: wait };
      }
      stamps.push(now);
      log.set(key, stamps);
      // Forget keys whose entries have all aged out so the map does not grow without bound.
      if (log.size > 10_000) for (const [k, v] of log) if (v[v.length - 1] <= now - longest) log.delete(k);
      return { ok: true };
    },
    size: () => log.size,
  };
}

// One sorted set per key (score = time in ms). Atomic in Redis, so processes share the limits.
// ARGV: now, member, n, then windowMs/max pairs. Returns {1} or {0, retryAfterMs}.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[3])
local longest = 0
for i = 1, n do
  local w = tonumber(ARGV[2 + 2 * i])
  if w > longest then longest = w end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 1, n do
  local w = tonumber(ARGV[2 + 2 * i])
  local max = tonumber(ARGV[3 + 2 * i])
  local count = redis.call('ZCOUNT', KEYS[1], '(' .. (now - w), '+inf')
  if count >= max then
    local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - w), '+inf', 'WITHSCORES', 'LIMIT', count - max, 1)
    local until_free = tonumber(oldest[2]) + w - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return {0, wait} end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], longest)
return {1}
`;

/** Redis sliding-window limiter shared by all processes; keys are `${prefix}${key}`. */
export function makeRedisRateLimiter(options: { redis: Redis; prefix: string; windows: readonly RateWindow[] }): RateLimiter {
  checkWindows(options.windows);
  const { redis, prefix, windows } = options;
  const args = windows.flatMap((w) => [String(Math.ceil(w.windowMs)), String(w.max)]);
  return {
    async tryTake(key, now) {
      // Unique member: two takes in the same millisecond must both count.
      const member = `${now}:${randomBytes(6).toString('hex')}`;
      const reply = (await redis.eval(
        TAKE_SCRIPT,
        1,
        prefix + key,
        String(Math.floor(now)),
        member,
        String(windows.length),
        ...args,
      )) as number[];
      return reply[0] === 1 ? { ok: true } : { ok: false, retryAfterMs: Number(reply[1]) };
    },
  };
}
