/**
 * NLP accuracy: 5-fold stratified cross-validation over the knowledge base (None included) and
 * train-on-all / test-on-held-out (bench/fixtures/nlp-heldout.yml, written before the corpus).
 * Usage: node dist/bench/nlp-eval.js [--kb knowledge-base/zh] [--floor 0.3] [--margin 0.15] [--verbose]
 */
import { makeClassifier, NONE, type Classification, type ClassifierOptions } from '../src/bot/nlp/classifier';
import type { KbIntent } from '../src/bot/nlp/kb.schemas';
import { loadKnowledgeBase } from '../src/bot/nlp/kb-loader';
import { normalizeText } from '../src/bot/nlp/normalize';
import { loadHeldOut } from './lib/heldout';

interface Case {
  text: string;
  gold: string;
}
interface Outcome extends Case {
  result: Classification;
}

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (name: string): number | undefined => (arg(name) === undefined ? undefined : Number(arg(name)));
const options: ClassifierOptions = {
  similarityFloor: num('floor'),
  noneMargin: num('margin'),
  negativeSample: num('negatives'),
  engine: arg('engine') ? JSON.parse(arg('engine') as string) : undefined,
};
const FOLDS = 5;
const OOS_TARGET = 0.85;
const THRESHOLDS = Array.from({ length: 13 }, (_, i) => Math.round((0.3 + i * 0.05) * 100) / 100);

// Deterministic shuffle so that two runs print the same figures.
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function run(intents: KbIntent[], version: string, cases: Case[]): Promise<Outcome[]> {
  const classifier = makeClassifier(options);
  await classifier.train({ intents, version });
  const out: Outcome[] = [];
  for (const c of cases) out.push({ ...c, result: await classifier.classify(c.text) });
  return out;
}

async function crossValidate(intents: KbIntent[]): Promise<Outcome[]> {
  const folded = intents.map((i, n) => shuffled(i.utterances, 7919 * (n + 1)));
  const outcomes: Outcome[] = [];
  for (let k = 0; k < FOLDS; k += 1) {
    const train = intents.map((i, n) => ({ ...i, utterances: folded[n].filter((_, j) => j % FOLDS !== k) }));
    const test = intents.flatMap((i, n) =>
      folded[n].filter((_, j) => j % FOLDS === k).map((text) => ({ text, gold: i.kind === 'negative' ? NONE : i.intent })),
    );
    outcomes.push(...(await run(train, `fold-${k}`, test)));
  }
  return outcomes;
}

const predicted = (o: Outcome, t: number): string => (o.result.intent !== NONE && o.result.score >= t ? o.result.intent : NONE);

interface Rates {
  t: number;
  accuracy: number;
  wrong: number;
  escalated: number;
  oosEscalated: number;
}
function rates(outcomes: Outcome[], t: number): Rates {
  const inScope = outcomes.filter((o) => o.gold !== NONE);
  const oos = outcomes.filter((o) => o.gold === NONE);
  const share = (list: Outcome[], f: (o: Outcome) => boolean): number => (list.length ? list.filter(f).length / list.length : 0);
  return {
    t,
    accuracy: share(inScope, (o) => predicted(o, t) === o.gold),
    wrong: share(inScope, (o) => predicted(o, t) !== NONE && predicted(o, t) !== o.gold),
    escalated: share(inScope, (o) => predicted(o, t) === NONE),
    oosEscalated: share(oos, (o) => predicted(o, t) === NONE),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(7);

function printSweep(title: string, outcomes: Outcome[]): Rates[] {
  const inScope = outcomes.filter((o) => o.gold !== NONE).length;
  console.log(`\n## ${title}: ${inScope} in-scope, ${outcomes.length - inScope} out-of-scope`);
  console.log('threshold  in-scope acc  wrong answer  in-scope escalated  out-of-scope escalated');
  const rows = THRESHOLDS.map((t) => rates(outcomes, t));
  for (const r of rows) {
    console.log(
      `${r.t.toFixed(2).padStart(9)}  ${pct(r.accuracy).padStart(12)}  ${pct(r.wrong).padStart(12)}  ${pct(r.escalated).padStart(18)}  ${pct(r.oosEscalated).padStart(22)}`,
    );
  }
  return rows;
}

function printPerIntent(title: string, outcomes: Outcome[], t: number): void {
  console.log(`\n## ${title}: per-intent precision / recall at threshold ${t.toFixed(2)} (escalation counts as None)`);
  const labels = [...new Set(outcomes.map((o) => o.gold))].sort();
  console.log(`${'intent'.padEnd(24)} ${'n'.padStart(4)} ${'precision'.padStart(9)} ${'recall'.padStart(7)}`);
  for (const label of labels) {
    const tp = outcomes.filter((o) => o.gold === label && predicted(o, t) === label).length;
    const pred = outcomes.filter((o) => predicted(o, t) === label).length;
    const gold = outcomes.filter((o) => o.gold === label).length;
    const p = pred ? pct(tp / pred) : '    n/a';
    console.log(`${label.padEnd(24)} ${String(gold).padStart(4)} ${p.padStart(9)} ${pct(tp / gold)}`);
  }
  const pairs = new Map<string, number>();
  for (const o of outcomes) {
    const p = predicted(o, t);
    if (p !== o.gold) pairs.set(`${o.gold} → ${p}`, (pairs.get(`${o.gold} → ${p}`) ?? 0) + 1);
  }
  console.log(`\n## ${title}: confusion pairs (gold → predicted) with more than 2 cases`);
  for (const [pair, n] of [...pairs].filter(([, n]) => n > 2).sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(4)}  ${pair}`);
  const sources = new Map<string, number>();
  for (const o of outcomes) sources.set(o.result.source, (sources.get(o.result.source) ?? 0) + 1);
  console.log(`decided by: ${[...sources].map(([s, n]) => `${s} ${n}`).join(', ')}`);
  if (args.includes('--verbose')) {
    for (const o of outcomes.filter((x) => predicted(x, t) !== x.gold)) {
      const r = o.result;
      console.log(
        `  ✗ ${o.gold} → ${predicted(o, t)} (${r.intent} ${r.score.toFixed(2)} ${r.source}${r.reason ? ` ${r.reason}` : ''}) ${o.text}`,
      );
    }
  }
}

// Rule: maximise mean in-scope accuracy (k-fold, held-out) while both escalate ≥ 85 % of
// out-of-scope text; ties go to the higher threshold (fewer wrong answers).
function choose(kfold: Rates[], heldout: Rates[]): { t: number; met: boolean } {
  const rows = THRESHOLDS.map((t, i) => ({
    t,
    acc: (kfold[i].accuracy + heldout[i].accuracy) / 2,
    ok: kfold[i].oosEscalated >= OOS_TARGET && heldout[i].oosEscalated >= OOS_TARGET,
  }));
  const pool = rows.some((r) => r.ok) ? rows.filter((r) => r.ok) : rows;
  const best = pool.reduce((a, b) => (b.acc > a.acc + 1e-9 || Math.abs(b.acc - a.acc) <= 1e-9 ? b : a));
  return { t: best.t, met: rows.some((r) => r.ok) };
}

async function main(): Promise<void> {
  const kb = loadKnowledgeBase(arg('kb') ?? 'knowledge-base/zh');
  const heldout = loadHeldOut(arg('heldout')).items;
  const counts = kb.intents.map((i) => `${i.intent}:${i.utterances.length}`).join(' ');
  console.log(`# NLP evaluation — corpus ${kb.version}, ${kb.intents.length} intents (${counts})`);
  console.log(`options: ${JSON.stringify(options)}`);
  const known = new Set(kb.intents.map((i) => (i.kind === 'negative' ? NONE : i.intent)));
  const missing = [...new Set(heldout.map((h) => h.intent))].filter((i) => !known.has(i));
  if (missing.length) console.log(`held-out intents missing from the corpus (counted as errors): ${missing.join(', ')}`);

  const kfold = await crossValidate(kb.intents);
  const held = await run(
    kb.intents,
    kb.version,
    heldout.map((h) => ({ text: h.text, gold: h.intent })),
  );
  const kRows = printSweep(`${FOLDS}-fold cross-validation`, kfold);
  const hRows = printSweep('held-out', held);
  // Short everyday questions ("忘记密码了") occur verbatim in both sets; this shows they do not carry the figures.
  const corpusTexts = new Set(kb.intents.flatMap((i) => i.utterances.map((u) => normalizeText(u))));
  const unseen = held.filter((o) => !corpusTexts.has(normalizeText(o.text)));
  printSweep(`held-out without the ${held.length - unseen.length} items that also occur verbatim in the corpus`, unseen);
  const { t, met } = choose(kRows, hRows);
  printPerIntent(`${FOLDS}-fold cross-validation`, kfold, t);
  printPerIntent('held-out', held, t);
  console.log(
    `\nRecommended NLP_THRESHOLD=${t.toFixed(2)} — highest mean in-scope accuracy (k-fold, held-out)` +
      (met
        ? ` with ≥ ${OOS_TARGET * 100}% of out-of-scope escalated in both; ties → higher threshold.`
        : `; NO threshold reaches ${OOS_TARGET * 100}% out-of-scope escalation.`),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
