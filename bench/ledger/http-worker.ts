/**
 * The HTTP client of bench:ledger's stock figure, in a worker thread so that it does not take the
 * server's event loop (a client in the server's thread adds its own parsing and collections to
 * every latency): one keep-alive connection, `warmup` untimed requests, then `requests` timed ones,
 * each sent when the last is answered and read to the end.
 */
import { Agent, request } from 'node:http';
import { parentPort, Worker, workerData } from 'node:worker_threads';

/** What the worker is asked to do. */
export interface HttpSpec {
  url: string;
  headers: Record<string, string>;
  warmup: number;
  requests: number;
}

/** Latencies in milliseconds, sorted; non-200 answers abort the run. */
export interface HttpResult {
  p50: number;
  p99: number;
  n: number;
}

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${url.pathname}: ${res.statusCode}`));
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve(Number(process.hrtime.bigint() - t0) / 1e6);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function run(spec: HttpSpec): Promise<HttpResult> {
  const url = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < spec.warmup; i++) await get(agent, url, spec.headers);
  const ms: number[] = [];
  for (let i = 0; i < spec.requests; i++) ms.push(await get(agent, url, spec.headers));
  agent.destroy();
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { p50: at(0.5), p99: at(0.99), n: ms.length };
}

/** Runs the client in a worker thread and waits for its figures. */
export function timeHttpGets(spec: HttpSpec): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: spec });
    worker.once('message', (r: HttpResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`HTTP client worker exited with ${code}`))));
  });
}

if (parentPort && (workerData as HttpSpec | undefined)?.url) {
  const port = parentPort;
  void run(workerData as HttpSpec).then(
    (r) => port.postMessage(r),
    (e: unknown) => {
      throw e;
    },
  );
}
