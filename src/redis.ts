import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/**
 * The one place Redis connections are made (queues, rate limits). Commands wait while Redis is
 * away instead of failing (maxRetriesPerRequest: null): callers that must not hang put their own
 * timeout around them, and the outbox keeps what could not be queued.
 */
export function makeRedisFactory(url: string, logger: Logger) {
  const opened = new Set<Redis>();
  const base: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: false };
  let warned = false;
  return {
    url,
    /** A new connection; `purpose` names it in the log. Bull needs several of its own. */
    open(purpose: string): Redis {
      const client = new Redis(url, base)
        .on('error', (err: Error) => {
          // Redis being down is expected and ioredis retries every few seconds: log it once.
          if (!warned) logger.warn({ purpose, err: err.message }, 'redis unavailable; retrying in the background');
          warned = true;
        })
        .on('ready', () => {
          warned = false;
        });
      // Shared clients serve every queue, and each queue adds listeners: allow that many.
      client.setMaxListeners(64);
      opened.add(client);
      return client;
    },
    /** Disconnects every connection this factory opened. */
    closeAll(): void {
      for (const c of opened) c.disconnect();
      opened.clear();
    },
  };
}
export type RedisFactory = ReturnType<typeof makeRedisFactory>;
