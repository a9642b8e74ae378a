import type { Severity } from './incident.entity';
import type { MonitoringStore } from './monitor';

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

/** Network checks of the monitoring targets; the job layer does the I/O (src/jobs/adapters). */
export interface TargetChecker {
  http(url: string, expectedStatus: number, timeoutMs: number): Promise<ProbeResult>;
  tcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult>;
}

/** Free space of the file system holding a directory. */
export interface DiskInfo {
  free(dir: string): Promise<{ freePct: number; freeBytes: number }>;
}

/** What the job layer lends the probes (network, disk, Redis and Bull stay out of the domain). */
export interface ProbePorts {
  targets: TargetChecker;
  disk: DiskInfo;
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

/** Splits `host:port` (IPv6 as `[::1]:port`). */
export function parseAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(i + 1)) };
}

/** Free space of the file system holding `dir`, against a minimum percentage. */
export async function probeDisk(disk: DiskInfo, dir: string, minFreePct: number): Promise<ProbeResult> {
  const { freePct: pct, freeBytes } = await disk.free(dir);
  const gib = freeBytes / 2 ** 30;
  const detail = `可用 ${pct.toFixed(1)}%（${gib.toFixed(1)} GiB，下限 ${minFreePct}%）`;
  return pct >= minFreePct ? up(detail) : down(detail);
}

/** The probe set: database, Redis, queues, disk, and every enabled target (read on each run). */
export function makeProbeSet(store: MonitoringStore, ports: ProbePorts, th: ProbeThresholds): () => Promise<Probe[]> {
  const ms = th.checkTimeoutMs;
  const fixed: Probe[] = [
    {
      key: 'probe:db',
      title: '数据库不可用',
      severity: 'critical',
      run: async () => (await timeLimit(store.ping(), ms), up('SELECT 1 正常')),
    },
    {
      key: 'probe:disk',
      title: '数据目录磁盘空间不足',
      severity: 'warning',
      run: () => probeDisk(ports.disk, th.dataDir, th.diskMinFreePct),
    },
  ];
  const { targets: check, redisPing, queueCounts } = ports;
  if (redisPing)
    fixed.push({
      key: 'probe:redis',
      title: 'Redis 不可用（任务队列停止）',
      severity: 'critical',
      run: async () => (await timeLimit(redisPing(), ms), up('PING 正常')),
    });
  if (queueCounts) {
    const over = async (field: 'waiting' | 'failed', max: number) => {
      const counts = await timeLimit(queueCounts(), ms);
      const bad = Object.entries(counts)
        .filter(([, c]) => c[field] > max)
        .map(([q, c]) => `${q}=${c[field]}`);
      return bad.length ? down(`超过 ${max}：${bad.join('，')}`) : up(`均不超过 ${max}`);
    };
    fixed.push(
      { key: 'probe:queues:backlog', title: '任务队列积压', severity: 'warning', run: () => over('waiting', th.queueBacklogMax) },
      { key: 'probe:queues:failed', title: '任务队列失败任务过多', severity: 'warning', run: () => over('failed', th.queueFailedMax) },
    );
  }
  return async () => {
    const targets = await store.read.monitoring.enabledTargets();
    return [
      ...fixed,
      ...targets.map((t): Probe => ({
        key: `probe:target:${t.id}`,
        title: `监控目标「${t.name}」不可用`,
        severity: 'critical',
        run: () => {
          if (t.kind === 'http') return check.http(t.url!, t.expectedStatus, t.timeoutMs);
          const { host, port } = parseAddress(t.address!);
          return check.tcp(host, port, t.timeoutMs);
        },
      })),
    ];
  };
}
