import { promises as fsp } from 'node:fs';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { DiskInfo, ProbeResult, TargetChecker } from '../../domain/monitoring/probes';

const up = (detail: string): ProbeResult => ({ status: 'up', detail });
const down = (detail: string): ProbeResult => ({ status: 'down', detail });

/** GET `url`: up when it answers `expected` within the time limit. */
export async function checkHttp(url: string, expected: number, timeoutMs: number): Promise<ProbeResult> {
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

/** Connects to `host:port`: up when the connection opens in time. */
export function checkTcp(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
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

/** Free space of the file system holding `dir` (statfs). */
export async function diskFree(dir: string): Promise<{ freePct: number; freeBytes: number }> {
  const s = await fsp.statfs(await existing(dir));
  return { freePct: s.blocks > 0 ? (s.bavail / s.blocks) * 100 : 100, freeBytes: s.bavail * s.bsize };
}

/** The probes' network and disk ports over Node's fetch, net and fs. */
export const nodeProbeIo: { targets: TargetChecker; disk: DiskInfo } = {
  targets: { http: checkHttp, tcp: checkTcp },
  disk: { free: diskFree },
};
