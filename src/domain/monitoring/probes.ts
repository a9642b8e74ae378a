import { promises as fsp } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Severity } from './incident.entity';
import { ProbeTarget } from './probe-target.entity';

export interface ProbeResult {
  status: 'up' | 'down';
  detail: string;
}

/** One check; `key` is also the alert key its state changes raise and resolve. */
export interface Probe {
  key: string;
  title: string;
  severity: Severity;
  run(): Promise<ProbeResult>;
}

/** What the job layer lends the probes (Redis and Bull stay out of the domain). */
export interface ProbePorts {
  redisPing?: () => Promise<unknown>;
  /** Per queue: jobs waiting and failed. */
  queueCounts?: () => Promise<Record<string, { waiting: number; failed: number }>>;
}

export interface ProbeThresholds {
  /** Directory whose file system must keep this much free (the SQLite file, uploads, caches). */
  dataDir: string;
  diskMinFreePct: number;
  /** Waiting jobs in any one queue beyond which the queue is backed up. */
  queueBacklogMax: number;
  /** Failed jobs kept in any one queue beyond which someone must look. */
  queueFailedMax: number;
  /** Time limit of the database, Redis and queue checks. */
  checkTimeoutMs: number;
}

const up = (detail: string): ProbeResult => ({ status: 'up', detail });
const down = (detail: string): ProbeResult => ({ status: 'down', detail });

/** Rejects when `p` has not settled within `ms`. */
export function timeLimit<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`超时（${ms} 毫秒）`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** GET `url`: up when it answers `expected` within the time limit. */
export async function probeHttp(url: string, expected: number, timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel();
    const detail = `HTTP ${res.status}，${Date.now() - started} 毫秒`;
    return res.status === expected ? up(detail) : down(`${detail}（期望 ${expected}）`);
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return down(e.name === 'TimeoutError' ? `超时（${timeoutMs} 毫秒）` : `请求失败：${e.cause?.code ?? e.message}`);
  }
}

/** Connects to `host:port` (IPv6 as `[::1]:port`): up when the connection opens in time. */
export function probeTcp(address: string, timeoutMs: number): Promise<ProbeResult> {
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(i + 1));
  const started = Date.now();
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (r: ProbeResult) => {
      socket.destroy();
      done(r);
    };
    socket.setTimeout(timeoutMs, () => finish(down(`连接超时（${timeoutMs} 毫秒）`)));
    socket.once('connect', () => finish(up(`已连接，${Date.now() - started} 毫秒`)));
    socket.once('error', (err: Error & { code?: string }) => finish(down(`连接失败：${err.code ?? err.message}`)));
  });
}

// statfs needs an existing path: a data directory not made yet is measured on its parent.
async function existing(path: string): Promise<string> {
  let p = resolve(path);
  for (;;) {
    try {
      await fsp.access(p);
      return p;
    } catch {
      if (dirname(p) === p) return p;
      p = dirname(p);
    }
  }
}

/** Free space of the file system holding `dir`, against a minimum percentage. */
export async function probeDisk(dir: string, minFreePct: number): Promise<ProbeResult> {
  const s = await fsp.statfs(await existing(dir));
  const pct = s.blocks > 0 ? (s.bavail / s.blocks) * 100 : 100;
  const gib = (s.bavail * s.bsize) / 2 ** 30;
  const detail = `可用 ${pct.toFixed(1)}%（${gib.toFixed(1)} GiB，下限 ${minFreePct}%）`;
  return pct >= minFreePct ? up(detail) : down(detail);
}

/** The probe set: database, Redis, queues, disk, and every enabled target (read on each run). */
export function makeProbeSet(ds: DataSource, ports: ProbePorts, th: ProbeThresholds): () => Promise<Probe[]> {
  const ms = th.checkTimeoutMs;
  const fixed: Probe[] = [
    { key: 'probe:db', title: '数据库不可用', severity: 'critical', run: async () => (await timeLimit(ds.query('SELECT 1'), ms), up('SELECT 1 正常')) },
    { key: 'probe:disk', title: '数据目录磁盘空间不足', severity: 'warning', run: () => probeDisk(th.dataDir, th.diskMinFreePct) },
  ];
  const { redisPing, queueCounts } = ports;
  if (redisPing) fixed.push({ key: 'probe:redis', title: 'Redis 不可用（任务队列停止）', severity: 'critical', run: async () => (await timeLimit(redisPing(), ms), up('PING 正常')) });
  if (queueCounts) {
    const over = async (field: 'waiting' | 'failed', max: number) => {
      const counts = await timeLimit(queueCounts(), ms);
      const bad = Object.entries(counts).filter(([, c]) => c[field] > max).map(([q, c]) => `${q}=${c[field]}`);
      return bad.length ? down(`超过 ${max}：${bad.join('，')}`) : up(`均不超过 ${max}`);
    };
    fixed.push(
      { key: 'probe:queues:backlog', title: '任务队列积压', severity: 'warning', run: () => over('waiting', th.queueBacklogMax) },
      { key: 'probe:queues:failed', title: '任务队列失败任务过多', severity: 'warning', run: () => over('failed', th.queueFailedMax) },
    );
  }
  return async () => {
    const targets = await ds.getRepository(ProbeTarget).find({ where: { enabled: true }, order: { id: 'ASC' } });
    return [
      ...fixed,
      ...targets.map((t): Probe => ({
        key: `probe:target:${t.id}`,
        title: `监控目标「${t.name}」不可用`,
        severity: 'critical',
        run: () => (t.kind === 'http' ? probeHttp(t.url!, t.expectedStatus, t.timeoutMs) : probeTcp(t.address!, t.timeoutMs)),
      })),
    ];
  };
}
