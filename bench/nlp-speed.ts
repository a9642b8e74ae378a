/**
 * NLP speed: loading the engine in a fresh process, first training, load-from-cache, and classification
 * p50/p99 after warm-up over the held-out texts. Prints the figures and rewrites the `nlp-speed` block
 * of docs/nlp-evaluation.md. `npm run nlp:speed -- --help` lists the options.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeClassifier } from '../src/bot/nlp/classifier';
import { loadKnowledgeBase } from '../src/bot/nlp/kb-loader';
import { loadOrTrain, makeModelCache } from '../src/bot/nlp/model-cache';
import { loadHeldOut } from './lib/heldout';
import { repoRoot } from './lib/repo-root';
import { printedBlock, resultsDocument } from './lib/write-results';

const HELP = `Usage: npm run nlp:speed [-- options]

Times the NLP engine and rewrites the nlp-speed block of docs/nlp-evaluation.md.

  --kb DIR      knowledge base (default: knowledge-base; another one only prints)
  --no-write    print only; leave docs/nlp-evaluation.md alone
  --help        this text`;

const { values: opt } = parseArgs({
  options: {
    kb: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Median over 5 fresh processes of require(nlp-engine) + one makeNlpEngine(): what every start-up pays. */
function engineColdLoadMs(): number {
  const engine = join(__dirname, '../src/bot/nlp/nlp-engine.js');
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(engine)}).makeNlpEngine();console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const runs = Array.from({ length: 5 }, () => {
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`engine load failed: ${child.stderr}`);
    return Number(child.stdout.trim());
  }).sort((a, b) => a - b);
  return runs[2];
}

async function main(): Promise<void> {
  if (opt.help) {
    console.log(HELP);
    return;
  }
  const doc = resultsDocument({
    file: 'docs/nlp-evaluation.md',
    tag: 'nlp-speed',
    names: ['results'],
    enabled: !opt['no-write'] && !opt.kb,
  });
  const dir = mkdtempSync(join(tmpdir(), 'nlp-speed-'));
  try {
    const coldMs = engineColdLoadMs();
    let t = process.hrtime.bigint();
    const kb = loadKnowledgeBase(opt.kb ?? join(repoRoot(), 'knowledge-base'));
    const loadKbMs = ms(t);
    const cache = makeModelCache({ dir });

    t = process.hrtime.bigint();
    const first = await loadOrTrain({ kb, cache, classifier: makeClassifier() });
    const trainMs = ms(t);

    const classifier = makeClassifier();
    t = process.hrtime.bigint();
    const second = await loadOrTrain({ kb, cache, classifier });
    const cacheMs = ms(t);

    const texts = loadHeldOut().items.map((i) => i.text);
    for (const text of texts) await classifier.classify(text); // warm-up: JIT and @nlpjs's caches
    const samples: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const text of texts) {
        // A fresh variant defeats @nlpjs's per-text result cache, so each call does the full work.
        const variant = `${text} ${round}`;
        t = process.hrtime.bigint();
        await classifier.classify(variant);
        samples.push(ms(t));
      }
    }
    samples.sort((a, b) => a - b);
    const size = readFileSync(cache.pathFor(kb.version)).length;
    const lines = [
      `NLP speed — corpus ${kb.version}, ${kb.intents.reduce((n, i) => n + i.utterances.length, 0)} utterances`,
      `engine cold load (fresh process, require + build, median of 5): ${coldMs.toFixed(0)} ms`,
      `load + validate knowledge base: ${loadKbMs.toFixed(0)} ms`,
      `first training (fromCache=${first.fromCache}): ${trainMs.toFixed(0)} ms; model file ${(size / 1024).toFixed(0)} KiB`,
      `start-up from cache (fromCache=${second.fromCache}): ${cacheMs.toFixed(0)} ms`,
      `classify over ${samples.length} calls: p50 ${quantile(samples, 0.5).toFixed(2)} ms, p99 ${quantile(samples, 0.99).toFixed(2)} ms, max ${samples[samples.length - 1].toFixed(2)} ms`,
    ];
    for (const line of lines) console.log(line);
    doc.write({ results: printedBlock(lines) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
