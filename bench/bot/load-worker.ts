/**
 * Load generator for bench/bot.bench.ts, run in a worker thread so that the client does not take the
 * server's event loop: `concurrency` keep-alive connections, each sending its next request when the
 * last one is answered, until `durationMs` or `maxRequests`.
 */
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { makeCallbackBuilder } from '../../tools/fake-wecom/fake-server-callback';

/** What one load run sends. */
export interface LoadSpec {
  origin: string;
  /** `json`: POST {senderId, text} to path; `callback`: an encrypted WeCom callback per request. */
  mode: 'json' | 'callback';
  path: string;
  headers?: Record<string, string>;
  texts: string[];
  senders: string[];
  concurrency: number;
  durationMs: number;
  maxRequests: number;
  callback?: { token: string; encodingAESKey: string; corpId: string; agentId: string };
}

/** What came back. */
export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  /** json mode: escalated answers; callback mode: answers that were not a passive reply. */
  off: number;
  intents: Record<string, number>;
  /** Every request's latency (ms), ascending: slices of one run are merged from them. */
  latencies: number[];
}

/** Several slices of one run as one result: requests over the slices' summed time, percentiles over all of them. */
export function mergeResults(parts: readonly LoadResult[]): LoadResult {
  const latencies = parts.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = parts.reduce((n, r) => n + r.seconds, 0);
  const sum = (pick: (r: LoadResult) => Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const r of parts) for (const [k, v] of Object.entries(pick(r))) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  return resultOf(latencies, seconds, {
    statuses: sum((r) => r.statuses),
    errors: parts.reduce((n, r) => n + r.errors, 0),
    off: parts.reduce((n, r) => n + r.off, 0),
    intents: sum((r) => r.intents),
  });
}

/** A result from its latencies (ascending), its duration and its counts. */
function resultOf(latencies: number[], seconds: number, counts: Pick<LoadResult, 'statuses' | 'errors' | 'off' | 'intents'>): LoadResult {
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    ...counts,
    latencies,
  };
}

const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const crypto = spec.callback
    ? makeWecomCrypto({ token: spec.callback.token, encodingAESKey: spec.callback.encodingAESKey, receiveId: spec.callback.corpId })
    : null;
  const builder =
    crypto && spec.callback
      ? makeCallbackBuilder(crypto, spec.callback.corpId, spec.callback.agentId, () => Math.floor(Date.now() / 1000))
      : null;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const intents: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  let off = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + spec.durationMs;

  function next(): { path: string; body: string; type: string } {
    const i = sent++;
    const text = spec.texts[i % spec.texts.length];
    const senderId = spec.senders[i % spec.senders.length];
    if (builder) {
      const cb = builder.buildCallback({ fromUser: senderId, text });
      return { path: `${spec.path}?${cb.queryString}`, body: cb.body, type: 'text/xml' };
    }
    return { path: spec.path, body: JSON.stringify({ senderId, text }), type: 'application/json' };
  }

  function one(): Promise<void> {
    return new Promise((resolve) => {
      const r = next();
      const t0 = process.hrtime.bigint();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: r.path,
          agent,
          headers: { ...spec.headers, 'content-type': r.type, 'content-length': Buffer.byteLength(r.body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            const body = Buffer.concat(chunks).toString('utf8');
            if (spec.mode === 'callback') {
              if (!body.includes('<Encrypt>')) off++;
            } else if (body.startsWith('{"reply"')) {
              const parsed = JSON.parse(body) as { intent: string; escalated: boolean };
              intents[parsed.intent] = (intents[parsed.intent] ?? 0) + 1;
              if (parsed.escalated) off++;
            }
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(r.body);
    });
  }

  async function lane(): Promise<void> {
    while (Date.now() < deadline && sent < spec.maxRequests) await one();
  }

  return Promise.all(Array.from({ length: spec.concurrency }, lane)).then(() => {
    agent.destroy();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    return resultOf(latencies, seconds, { statuses, errors, off, intents });
  });
}

if (parentPort) {
  const port = parentPort;
  void run(workerData as LoadSpec).then((r) => port.postMessage(r));
}
