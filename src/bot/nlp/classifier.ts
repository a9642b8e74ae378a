import type { KbIntent } from './kb.schemas';
import { makeNlpEngine, type EngineSettings, type IntentScore, type NlpEngine } from './nlp-engine';
import { normalizeText, stripPreamble } from './normalize';
import { applyRules } from './rules';
import { notAboutBills } from './topic-gate';
import { refineStatusVsHowTo } from './second-stage';
import { makeSimilarityIndex, type SimilarityIndex } from './similarity';

/** Label of the negative (out-of-scope) class; every `kind: negative` intent trains under it. */
export const NONE = 'None';
/**
 * Bumped whenever training or the model layout changes; it is part of the model cache's key, so a file
 * of another format is never read. v3: `nlp` is the @nlpjs NLU manager alone (v2: node-nlp's whole NlpManager);
 * v4: the same as an object rather than JSON text.
 */
export const MODEL_FORMAT = 'zh-ngram-nn-v4';

/** What decided the answer: the rule layer, the neural model, the status/how-to stage or the gate. */
export type ClassificationSource = 'rule' | 'model' | 'second-stage' | 'gate';

/** Classifier output; the caller compares score with NLP_THRESHOLD. */
export interface Classification {
  intent: string;
  score: number;
  /** The model's top 3 guesses, best first (what an escalation ticket shows the engineer). */
  alternatives: IntentScore[];
  source: ClassificationSource;
  /** Rule name or gate reason, for logs and the evaluation. */
  reason?: string;
}

/** Serialised trained model, stored by the model cache. */
export interface ClassifierModel {
  format: string;
  version: string;
  /**
   * The @nlpjs NLU manager's JSON. v4 keeps it as an object, not text within the file: a start
   * then parses the 7 MB once instead of twice.
   */
  nlp: object;
  utterances: Record<string, string[]>;
}

/** Tunables; defaults are the values chosen by bench/nlp-eval.ts. */
export interface ClassifierOptions {
  engine?: EngineSettings;
  /** Below this similarity to the predicted intent's own utterances the answer becomes None. */
  similarityFloor?: number;
  /** None wins when its nearest utterance beats the predicted intent's by this margin. */
  noneMargin?: number;
  /**
   * At most this many None utterances train the network (all of them feed the similarity gate):
   * hundreds of negatives against ~50 per intent would make None the network's default answer.
   */
  negativeSample?: number;
}

/** The NLP classifier: train on a knowledge base or restore from the cache, then classify. */
export interface Classifier {
  train(kb: { intents: KbIntent[]; version: string }): Promise<void>;
  classify(text: string): Promise<Classification>;
  toJSON(): ClassifierModel;
  fromJSON(model: ClassifierModel): void;
  /** Corpus version the current model was trained on; undefined before training. */
  readonly version: string | undefined;
  /** Texts our tokenizer has processed; proves @nlpjs uses it. */
  readonly tokenizerCalls: number;
}

/** The text the model and the gate see: normalised, greeting/self-introduction removed. */
export function prepareText(text: string): string {
  return stripPreamble(normalizeText(text));
}

/** Training documents: prepared like queries, negative kinds folded into None. */
export function trainingUtterances(intents: KbIntent[]): Record<string, string[]> {
  const byIntent: Record<string, string[]> = {};
  for (const i of intents) {
    const label = i.kind === 'negative' ? NONE : i.intent;
    (byIntent[label] ??= []).push(...i.utterances.map(prepareText).filter(Boolean));
  }
  return byIntent;
}

/** Below this, the negative class's win is a hesitation the status wording may overrule. */
const UNSURE_NONE = 0.75;
/** The confidence given to a status question decided by its wording over a hesitant None. */
const STATUS_WORDING_SCORE = 0.75;

/** Creates an untrained classifier. */
export function makeClassifier(options: ClassifierOptions = {}): Classifier {
  const similarityFloor = options.similarityFloor ?? 0.15;
  const noneMargin = options.noneMargin ?? 0.15;
  const negativeSample = options.negativeSample ?? 450;
  // @nlpjs's defaults (alpha 0.07, learningRate 0.6, run to convergence) overfit this corpus and its None
  // class; a slower rate stopped early is more accurate and trains in a few seconds (bench/nlp-eval.ts).
  const engineSettings: EngineSettings = { alpha: 0.01, learningRate: 0.1, deltaErrorThresh: 0.00001, ...options.engine };
  let engine: NlpEngine | undefined;
  let index: SimilarityIndex | undefined;
  let utterances: Record<string, string[]> = {};
  let version: string | undefined;

  const ready = (): { engine: NlpEngine; index: SimilarityIndex } => {
    if (!engine || !index) throw new Error('classifier used before train() or fromJSON()');
    return { engine, index };
  };

  return {
    get version() {
      return version;
    },
    get tokenizerCalls() {
      return engine?.tokenizer.calls ?? 0;
    },
    async train(kb) {
      utterances = trainingUtterances(kb.intents);
      const fresh = makeNlpEngine(engineSettings);
      await fresh.train(
        Object.entries(utterances).flatMap(([intent, list]) =>
          (intent === NONE ? spread(list, negativeSample) : list).map((utterance) => ({ utterance, intent })),
        ),
      );
      engine = fresh;
      index = makeSimilarityIndex(utterances);
      version = kb.version;
    },
    toJSON() {
      if (!engine || !version) throw new Error('classifier has no trained model to serialise');
      return { format: MODEL_FORMAT, version, nlp: engine.export(), utterances };
    },
    fromJSON(model) {
      if (model.format !== MODEL_FORMAT) throw new Error(`model format ${model.format} is not ${MODEL_FORMAT}`);
      engine = makeNlpEngine(engineSettings, model.nlp);
      utterances = model.utterances;
      index = makeSimilarityIndex(utterances);
      version = model.version;
    },
    async classify(text) {
      const { engine: nlp, index: sim } = ready();
      const normalized = normalizeText(text);
      const prepared = stripPreamble(normalized);
      const rule = applyRules(normalized);
      const scores = rule?.intent === NONE && rule.rule === 'empty' ? [] : await nlp.scores(prepared);
      const alternatives = scores.slice(0, 3);
      if (rule) return { intent: rule.intent, score: 1, alternatives, source: 'rule', reason: rule.rule };

      const top = scores[0] ?? { intent: NONE, score: 1 };
      if (top.intent === NONE) {
        // "今年的核销情况": the network hesitates on a terse status question; a subject word with status
        // wording ("核销" + "情况") names the domain intent plainly enough to answer it.
        const runnerUp = scores.find((x) => x.intent !== NONE);
        const status = runnerUp && top.score < UNSURE_NONE ? refineStatusVsHowTo(prepared, runnerUp.intent) : undefined;
        if (status && status.intent === status.group[0] && status.rule.endsWith('.status') && !notAboutBills(prepared)) {
          return {
            intent: status.intent,
            score: STATUS_WORDING_SCORE,
            alternatives,
            source: 'second-stage',
            reason: `${status.rule} over None`,
          };
        }
        // "办公室的矿泉水还剩几箱": stock of something that is not a bill, however hesitant the network.
        if (notAboutBills(prepared)) return { intent: NONE, score: 1, alternatives, source: 'gate', reason: 'out-of-scope.not-bills' };
        return { ...top, alternatives, source: 'model' };
      }
      const refined = refineStatusVsHowTo(prepared, top.intent);
      const intent = refined?.intent ?? top.intent;
      // The network splits its confidence between "核销 status" and "核销 how-to"; once the wording
      // has decided between them, the confidence that the subject is right is their sum.
      const score = refined
        ? round(
            Math.min(
              1,
              scores.filter((s) => refined.group.includes(s.intent)).reduce((n, s) => n + s.score, 0),
            ),
          )
        : top.score;

      // Backstop for off-topic text the network still maps to some intent with a high score.
      const own = sim.maxFor(prepared, intent);
      const none = sim.maxFor(prepared, NONE);
      if (own.score < similarityFloor) {
        return { intent: NONE, score: round(1 - own.score), alternatives, source: 'gate', reason: `floor ${own.score.toFixed(2)}` };
      }
      if (none.score >= own.score + noneMargin) {
        return { intent: NONE, score: round(none.score), alternatives, source: 'gate', reason: `near None: ${none.utterance}` };
      }
      // Topic gate: stock answers are about bills; 「仓库的A4纸还剩多少」 is not.
      if (intent === 'stock.query' && notAboutBills(prepared)) {
        return { intent: NONE, score: 1, alternatives, source: 'gate', reason: 'out-of-scope.not-bills' };
      }
      if (refined) return { intent, score, alternatives, source: refined.changed ? 'second-stage' : 'model', reason: refined.rule };
      return { intent, score, alternatives, source: 'model' };
    },
  };
}

/** n items spread evenly over the list (deterministic, keeps every topic of the negatives). */
function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.floor((i * list.length) / n)]);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
