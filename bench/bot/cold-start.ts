import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { processCpuMs } from '../lib/machine-cpu';

/** One start of the real service: ms from spawn to its "listening" log line, and what it logged about the model. */
export interface ColdStart {
  ms: number;
  modelFromCache: boolean;
  trainMs: number | null;
  /** What the start logged of its modules (src/boot/code-cache.ts): from the code cache, compiled from source. */
  modules: { fromCache: number; compiled: number } | null;
  /** CPU time (user + system) the process had used when it listened: less sensitive to machine load than ms. */
  cpuMs: number | null;
  /** Resident memory when it listened (MB). */
  rssMb: number | null;
  /** Per package the app's code required: load time and resident-memory growth (bench/bot/require-costs.ts). */
  packages: Array<{ name: string; ms: number; rssMb: number }>;
}

/** utime + stime of a process in ms and its VmRSS in MB, from /proc (null where there is no /proc). */
function procFigures(pid: number): { cpuMs: number | null; rssMb: number | null } {
  try {
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMs: processCpuMs(pid), rssMb: rss ? Number(rss[1]) / 1024 : null };
  } catch {
    return { cpuMs: null, rssMb: null };
  }
}

/**
 * Spawns `node dist/src/main.js` (the real composition root) on port 0 with the given database and
 * model cache, waits for "listening", then stops it with SIGTERM (SIGKILL after 10 s).
 */
export function coldStart(root: string, env: Record<string, string>, timeoutMs = 60_000): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const costsFile = join(tmpdir(), `require-costs-${process.pid}-${Date.now()}.json`);
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-r', join(root, 'dist/bench/bot/require-costs.js'), join(root, 'dist/src/main.js')], {
      cwd: root,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', REQUIRE_COSTS_OUT: costsFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let result: ColdStart | null = null;
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (result || !/"msg":"listening on/.test(out)) return;
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const trained = /"ms":(\d+)[^\n]*"msg":"NLP model trained and cached"/.exec(out);
      const modules = /"modules":\{"fromCache":(\d+),"compiled":(\d+)/.exec(out);
      result = {
        ms,
        modelFromCache: out.includes('NLP model loaded from cache'),
        trainMs: trained ? Number(trained[1]) : null,
        modules: modules ? { fromCache: Number(modules[1]), compiled: Number(modules[2]) } : null,
        ...procFigures(child.pid!),
        packages: [],
      };
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('exit', (code) => {
      clearTimeout(kill);
      if (result && existsSync(costsFile)) {
        result.packages = (JSON.parse(readFileSync(costsFile, 'utf8')) as { packages: ColdStart['packages'] }).packages;
        rmSync(costsFile, { force: true });
      }
      if (result) resolve(result);
      else reject(new Error(`main.js exited (${code}) before listening:\n${out.slice(-2000)}`));
    });
  });
}

/** Deletes the Bull keys the spawned services left under `prefix` (bounded; Redis may be down). */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }).on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    for (let i = 0; i < 1000; i++) {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = nextCursor;
      if (cursor === '0') break;
    }
  } catch {
    /* no Redis here: nothing was left */
  } finally {
    redis.disconnect();
  }
}
