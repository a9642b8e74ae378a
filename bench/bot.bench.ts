/**
 * Bot benchmark: `npm run bench:bot [-- --seconds 5] [--concurrency 16] [--no-write]`. Demo bureau on a temp
 * SQLite file; times classification, POST /api/v1/bot/messages and encrypted POST /wecom/callback against a
 * bare Koa endpoint, and the real service's cold start. The printed figures replace the bench-bot block of
 * bench/README.md unless --no-write. See bench/README.md, section bench:bot.
 */
import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadKnowledgeBase } from '../src/bot/nlp/kb-loader';
import { cliArgs, defineCli } from '../src/cli/args';
import { openDatabase } from '../src/domain/db/data-source';
import { loadDemoInto } from '../tools/demo/demo-data';
import { makeLogger } from '../src/logger';
import { loadConfig } from '../src/config';
import { coldStart, dropRedisPrefix, type ColdStart } from './bot/cold-start';
import { mergeResults, type LoadResult, type LoadSpec } from './bot/load-worker';
import { withProfile } from './bot/profile';
import { heldOut, startBareKoa, startBotApp, startClassifyApp, train } from './bot/setup';
import { printedBlock, resultsDocument } from './lib/write-results';

const BOT_BENCH_CLI = defineCli({
  name: 'bench:bot',
  usage: 'npm run bench:bot -- [options]',
  about:
    'Times classification, POST /api/v1/bot/messages and encrypted POST /wecom/callback against a bare Koa endpoint on the ' +
    "demo bureau (temporary SQLite file), and the real service's cold start (bench/README.md). Needs npm run build and Redis.",
  flags: {
    seconds: { type: 'number', default: 5, help: 'duration of each load run, in seconds' },
    concurrency: { type: 'integer', default: 16, help: 'concurrent connections per load run' },
    sync: {
      type: 'string',
      choices: ['OFF', 'NORMAL', 'FULL'],
      defaultText: 'FULL',
      help: 'SQLite synchronous setting; NORMAL shows what the per-commit fsync costs',
    },
    profile: {
      type: 'string',
      value: '<dir>',
      help: "write a CPU profile of the server's thread per bot run into <dir> (each run then goes in one piece, not in slices)",
    },
    'no-write': { type: 'boolean', help: 'print only; leave the results block of bench/README.md alone' },
  },
});
const FLAGS = cliArgs(BOT_BENCH_CLI).values;
const ROOT = resolve(__dirname, '../..');
const SECONDS = FLAGS.seconds;
const CONCURRENCY = FLAGS.concurrency;
const THRESHOLD = 0.5; // the production default
const SYNC = FLAGS.sync;
const PROFILE_DIR = FLAGS.profile;
const TARGET = { classifyP99Ms: 2, apiRatio: 0.5, callbackRatio: 0.4, coldStartMs: 1000, rssMb: 200 };
/** Progress notes; the set-up, mix and slowest-question ones also go under the figures in bench/README.md. */
const notes: string[] = [];
const log = (s: string) => {
  process.stderr.write(`${s}\n`);
  if (/^(demo bureau loaded|mixes|slowest classifications):/.test(s)) notes.push(s);
};
const f = (v: number, d = 1) => v.toFixed(d);
const modulesText = (c: ColdStart) =>
  c.modules ? `modules: ${c.modules.fromCache} from the code cache, ${c.modules.compiled} compiled` : 'no code cache';
const verdict = (ok: boolean, what: string) => `${ok ? 'PASS' : 'FAIL'} (${what})`;

/** Runs one load in a worker thread (its own core), so the client does not share the server's event loop. */
function load(spec: Omit<LoadSpec, 'concurrency' | 'maxRequests' | 'durationMs'> & { durationMs?: number }): Promise<LoadResult> {
  const full: LoadSpec = { concurrency: CONCURRENCY, durationMs: SECONDS * 1000, maxRequests: 200_000, ...spec };
  return new Promise((ok, fail) => {
    const w = new Worker(join(__dirname, 'bot/load-worker.js'), { workerData: full });
    w.once('message', (r: LoadResult) => void w.terminate().then(() => ok(r)));
    w.once('error', fail);
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  // Checked before the run: a missing marker must not cost a full run.
  const readme = resultsDocument({
    file: 'bench/README.md',
    tag: 'bench-bot',
    names: ['results'],
    enabled: !FLAGS['no-write'],
  });
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) throw new Error('build first: npm run build (npm run bench:bot does)');
  const dir = mkdtempSync(join(tmpdir(), 'bot-bench-'));
  const rows: Array<[string, string, string]> = [];
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-bot-${process.pid}`;
  try {
    const ds = await openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
    if (SYNC) await ds.query(`PRAGMA synchronous = ${SYNC}`);
    const demo = await loadDemoInto(ds, loadConfig({ LOG_LEVEL: 'silent' }), makeLogger('silent'));
    log(`demo bureau loaded: ${demo.units} units, ${demo.documents} documents, ${demo.journalRows} journal rows`);
    const kb = loadKnowledgeBase(join(ROOT, 'knowledge-base'));
    const { classifier, ms: trainMs } = await train(kb);
    rows.push([
      'first training (in process)',
      `${kb.intents.length} intents, ${kb.intents.reduce((n, i) => n + i.utterances.length, 0)} utterances`,
      `${f(trainMs, 0)} ms`,
    ]);

    // Classification: one warm-up pass over the held-out set, then two timed passes.
    const questions = heldOut(ROOT);
    for (const q of questions) await classifier.classify(q.text);
    const times: number[] = [];
    const predicted = new Map<string, { intent: string; score: number }>();
    for (let pass = 0; pass < 2; pass++) {
      for (const q of questions) {
        const t0 = process.hrtime.bigint();
        const c = await classifier.classify(q.text);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        predicted.set(q.text, c);
      }
    }
    const slowest = [...questions.keys()]
      .map((i) => [questions[i].text, Math.max(times[i], times[i + questions.length])] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    log(`slowest classifications: ${slowest.map(([t, ms]) => `${f(ms, 1)} ms «${t.slice(0, 30)}»`).join(', ')}`);
    times.sort((a, b) => a - b);
    const p = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
    rows.push([
      'classification',
      `${times.length} calls over ${questions.length} held-out questions`,
      `p50 ${f(p(0.5), 2)} ms  p99 ${f(p(0.99), 2)} ms  max ${f(times[times.length - 1], 1)} ms  ${verdict(p(0.99) <= TARGET.classifyP99Ms, `p99 ≤ ${TARGET.classifyP99Ms} ms`)}`,
    ]);

    // The mixes: held-out questions the classifier answers as intended (an escalation is another workload).
    const answered = (pred: (intent: string) => boolean) =>
      questions
        .filter((q) => pred(q.intent) && predicted.get(q.text)?.intent === q.intent && predicted.get(q.text)!.score >= THRESHOLD)
        .map((q) => q.text);
    const domainTexts = answered((i) => i === 'stock.query');
    const faqTexts = answered((i) => i.startsWith('faq.'));

    const bot = await startBotApp(ds, THRESHOLD);
    const bare = await startBareKoa();
    const classify = await startClassifyApp(bot.system, classifier);
    log(
      `mixes: ${domainTexts.length} stock.query and ${faqTexts.length} FAQ questions from ${bot.staff.length} unit staff; ${CONCURRENCY} connections, ${SECONDS} s each`,
    );
    const bareSpec = { origin: bare.origin, mode: 'json' as const, path: '/', texts: ['x'], senders: ['x'] };
    await load({ ...bareSpec, durationMs: 1000 }); // warm-up of the loopback path
    const bare1 = await load(bareSpec);
    const api = {
      origin: bot.origin,
      mode: 'json' as const,
      path: '/api/v1/bot/messages',
      headers: { authorization: `Bearer ${bot.token}` },
      senders: bot.staff,
    };
    const cb = { origin: bot.origin, mode: 'callback' as const, path: '/wecom/callback', senders: bot.staff, callback: bot.wecom };
    const only = { ...api, origin: classify.origin, path: '/api/v1/bench/classify' };
    await load({ ...only, texts: faqTexts, durationMs: 1000 });
    await load({ ...api, texts: faqTexts, durationMs: 1000 });
    await load({ ...cb, texts: faqTexts, durationMs: 1000 });
    // The classifier-only endpoint is the yardstick of each run. The two alternate in one-second
    // slices (SECONDS of each), so a change of the machine's speed during the run moves both sides of
    // the ratio alike: this host's speed drifts by a third within minutes. With --profile each side
    // runs in one piece instead, one profile per bot run.
    const slices = PROFILE_DIR ? 1 : Math.max(1, Math.round(SECONDS));
    const sliceMs = (SECONDS * 1000) / slices;
    const baselines: LoadResult[] = [];
    const runs: Array<[string, LoadResult, number]> = [];
    for (const [name, spec, target] of [
      ['POST /bot/messages, stock.query', { ...api, texts: domainTexts }, TARGET.apiRatio],
      ['POST /bot/messages, FAQ', { ...api, texts: faqTexts }, TARGET.apiRatio],
      ['POST /wecom/callback, stock.query', { ...cb, texts: domainTexts }, TARGET.callbackRatio],
      ['POST /wecom/callback, FAQ', { ...cb, texts: faqTexts }, TARGET.callbackRatio],
    ] as const) {
      const yardstick: LoadResult[] = [];
      const measured: LoadResult[] = [];
      for (let k = 0; k < slices; k++) {
        yardstick.push(await load({ ...only, texts: spec.texts, durationMs: sliceMs }));
        measured.push(await withProfile(PROFILE_DIR, name, () => load({ ...spec, durationMs: sliceMs })));
      }
      baselines.push(mergeResults(yardstick));
      runs.push([name, mergeResults(measured), target]);
    }
    const bare2 = await load(bareSpec);
    const bareRps = (bare1.rps + bare2.rps) / 2;
    for (const [i, r] of baselines.entries()) {
      rows.push([
        `classify-only, beside ${runs[i][0].replace('POST ', '')}`,
        `${r.requests} req, p50 ${f(r.p50)} ms p99 ${f(r.p99)} ms (app stack + classifier, no bot)`,
        `${f(r.rps, 0)} req/s = ${f(r.rps / bareRps, 2)} × bare`,
      ]);
    }
    rows.push([
      'bare Koa JSON endpoint',
      `${bare1.requests + bare2.requests} requests (before and after the bot runs)`,
      `${f(bare1.rps, 0)} / ${f(bare2.rps, 0)} req/s, mean ${f(bareRps, 0)}`,
    ]);
    for (const [i, [name, r, target]] of runs.entries()) {
      const bad =
        r.errors +
        Object.entries(r.statuses)
          .filter(([s]) => s !== '200')
          .reduce((n, [, c]) => n + c, 0);
      const ratio = r.rps / baselines[i].rps;
      const offWhat = name.includes('callback') ? 'not passive' : 'escalated';
      rows.push([
        name,
        `${r.requests} req, p50 ${f(r.p50)} ms p99 ${f(r.p99)} ms, ${r.off} ${offWhat}, ${bad} non-200`,
        `${f(r.rps, 0)} req/s = ${f(ratio, 2)} × classify-only, ${f(r.rps / bareRps, 2)} × bare  ${verdict(ratio >= target && bad === 0, `≥ ${target} × classify-only`)}  [load ${loadavg()[0].toFixed(1)}]`,
      ]);
    }
    const exchanges = Number((await ds.query<Array<{ n: string | number }>>('SELECT COUNT(*) AS "n" FROM "bot_exchange"'))[0].n);
    log(`stored exchanges: ${exchanges}; API intents (FAQ run): ${JSON.stringify(runs[1][1].intents).slice(0, 300)}`);
    await classify.close();
    await bot.close();
    await bare.close();
    await ds.destroy();

    // The real service: empty model and code caches (trains, compiles), then twice with the caches it wrote.
    const env = {
      DATABASE_URL: `sqlite:${join(dir, 'service.sqlite')}`,
      NLP_MODEL_DIR: join(dir, 'models'),
      CODE_CACHE_DIR: join(dir, 'code-cache'),
      REDIS_PREFIX: prefix,
      REDIS_URL: redisUrl,
    };
    // Training on a loaded machine can take minutes.
    const first = await coldStart(ROOT, env, 300_000);
    // Between the two, one start without the code cache: its effect measured in the same run.
    const cached = [await coldStart(ROOT, env)];
    const withoutCode = await coldStart(ROOT, { ...env, CODE_CACHE_DIR: 'off' });
    cached.push(await coldStart(ROOT, env));
    rows.push([
      'first start, empty model cache',
      `node dist/src/main.js → listening (schema + training${first.trainMs === null ? '' : ` ${first.trainMs} ms`}; ${modulesText(first)})`,
      `${f(first.ms, 0)} ms${first.modelFromCache ? ' (model came from a cache!)' : ''}`,
    ]);
    const worst = Math.max(...cached.map((c) => c.ms));
    const allCached = cached.every((c) => c.modelFromCache && c.modules?.compiled === 0);
    rows.push([
      'cold start, cached model and code',
      `node dist/src/main.js → listening, twice (existing DB; ${modulesText(cached[0])}); CPU used by then`,
      `${cached.map((c) => f(c.ms, 0)).join(' / ')} ms (CPU ${cached.map((c) => (c.cpuMs === null ? '?' : f(c.cpuMs, 0))).join(' / ')} ms)  ${verdict(worst <= TARGET.coldStartMs && allCached, `≤ ${TARGET.coldStartMs} ms, model and code from their caches`)}`,
    ]);
    const meanOf = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    rows.push([
      'cold start, cached model, no code cache',
      'the same with CODE_CACHE_DIR=off, between the two above',
      `${f(withoutCode.ms, 0)} ms (CPU ${withoutCode.cpuMs === null ? '?' : f(withoutCode.cpuMs, 0)} ms) = ${f(withoutCode.ms / meanOf(cached.map((c) => c.ms)), 2)} × with it`,
    ]);
    const rss = Math.max(...cached.map((c) => c.rssMb ?? Infinity));
    rows.push([
      'resident memory, started app',
      'VmRSS of main.js when it listens (model loaded)',
      `${cached.map((c) => (c.rssMb === null ? '?' : f(c.rssMb, 0))).join(' / ')} MB  ${verdict(rss <= TARGET.rssMb, `≤ ${TARGET.rssMb} MB`)}`,
    ]);
    // Inclusive cost of each package the app's own code requires, from the last cached start.
    const heavy = cached[cached.length - 1].packages.slice(0, 8);
    rows.push([
      'heaviest packages at start',
      'require time and RSS growth, inclusive',
      heavy.map((p) => `${p.name} ${f(p.ms, 0)} ms/${f(p.rssMb, 1)} MB`).join(', '),
    ]);
  } finally {
    await dropRedisPrefix(redisUrl, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = [
    `bench:bot — ${new Date().toISOString()}, node ${process.version}, SQLite (WAL, synchronous ${SYNC ?? 'FULL'}), load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores, ${CONCURRENCY} connections × ${SECONDS} s`,
    ...rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`),
    `total ${f((Date.now() - started) / 1000, 0)} s`,
    ...notes,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  readme.write({ results: printedBlock(lines) });
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:bot failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
