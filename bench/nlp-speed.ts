/**
 * NLP speed: first training time, load-from-cache time, classification p50/p99 after warm-up
 * over the held-out texts. Usage: node dist/bench/nlp-speed.js [--kb knowledge-base/zh]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeClassifier } from '../src/bot/nlp/classifier';
import { loadKnowledgeBase } from '../src/bot/nlp/kb-loader';
import { loadOrTrain, makeModelCache } from '../src/bot/nlp/model-cache';
import { loadHeldOut } from './lib/heldout';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nlp-speed-'));
  try {
    let t = process.hrtime.bigint();
    const kb = loadKnowledgeBase(arg('kb') ?? 'knowledge-base/zh');
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
    for (const text of texts) await classifier.classify(text); // warm-up: JIT and node-nlp's caches
    const samples: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const text of texts) {
        // A fresh variant defeats node-nlp's per-text result cache, so each call does the full work.
        const variant = `${text} ${round}`;
        t = process.hrtime.bigint();
        await classifier.classify(variant);
        samples.push(ms(t));
      }
    }
    samples.sort((a, b) => a - b);
    const size = readFileSync(cache.pathFor(kb.version)).length;
    console.log(`# NLP speed — corpus ${kb.version}, ${kb.intents.reduce((n, i) => n + i.utterances.length, 0)} utterances`);
    console.log(`load + validate knowledge base: ${loadKbMs.toFixed(0)} ms`);
    console.log(`first training (fromCache=${first.fromCache}): ${trainMs.toFixed(0)} ms; model file ${(size / 1024).toFixed(0)} KiB`);
    console.log(`start-up from cache (fromCache=${second.fromCache}): ${cacheMs.toFixed(0)} ms`);
    console.log(
      `classify over ${samples.length} calls: p50 ${quantile(samples, 0.5).toFixed(2)} ms, p99 ${quantile(samples, 0.99).toFixed(2)} ms, max ${samples[samples.length - 1].toFixed(2)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
