import { registerZhTokenizer, type CharNgramTokenizerZh, type NlpContainer } from './tokenizer-zh';

// @nlpjs ships no type definitions; this is the slice of its API we rely on.
interface NluResult {
  classifications?: { intent: string; score: number }[];
  intent?: string;
  score?: number;
}
interface NluManagerLike {
  addLanguage(locales: string[]): void;
  add(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  process(locale: string, text: string): Promise<NluResult>;
  toJSON(): object;
  fromJSON(json: object): void;
}
interface Container extends NlpContainer {
  use(item: unknown): string;
  registerConfiguration(tag: string, configuration: object, overwrite?: boolean): void;
}
// Only the NLU stack: node-nlp's NlpManager would load every language, NER, sentiment and a .env reader
// (~0.45 s at start-up) for a neural intent classifier that needs none of them.
/* eslint-disable @typescript-eslint/no-require-imports */
const { containerBootstrap } = require('@nlpjs/core') as { containerBootstrap: () => Container };
const { NluManager, NluNeural } = require('@nlpjs/nlu') as {
  NluManager: new (settings: object, container: Container) => NluManagerLike;
  NluNeural: unknown;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const LOCALE = 'zh';

/** Score of one intent from the neural classifier. */
export interface IntentScore {
  intent: string;
  score: number;
}

/** @nlpjs neural settings worth tuning; the defaults are @nlpjs's own. */
export interface EngineSettings {
  useNoneFeature?: boolean;
  iterations?: number;
  errorThresh?: number;
  deltaErrorThresh?: number;
  alpha?: number;
  momentum?: number;
  learningRate?: number;
}

/** An @nlpjs NLU manager with our tokenizer, used only for its neural intent classifier. */
export interface NlpEngine {
  tokenizer: CharNgramTokenizerZh;
  train(documents: { utterance: string; intent: string }[]): Promise<void>;
  scores(text: string): Promise<IntentScore[]>;
  /** The trained NLU manager as a plain JSON value (what `serialised` restores). */
  export(): object;
}

/** Creates the engine; pass a serialised model to restore it instead of training. */
export function makeNlpEngine(settings: EngineSettings = {}, serialised?: object): NlpEngine {
  const { useNoneFeature = true, ...neural } = settings;
  const container = containerBootstrap();
  container.use(NluNeural);
  // The network's hyper-parameters reach training only through the per-locale domain configuration
  // (node-nlp's NlpManager wrote the same entry from its nlu.<locale>.<domain> setting).
  container.registerConfiguration(`domain-manager-${LOCALE}`, {
    nluByDomain: { default: { className: 'NeuralNlu', settings: { log: false, ...neural } } },
  });
  // The stock zh normaliser equals @nlpjs/core's default and its stop-word list is empty, so
  // @nlpjs/lang-zh (a 1.6 MB pinyin dictionary) is not loaded: our tokenizer and stemmer replace the rest.
  const tokenizer = registerZhTokenizer(container);
  // useNoneFeature adds @nlpjs's "no known feature → None" sample; our own None class adds the rest.
  const nlu = new NluManager({ log: false, useNoneFeature }, container);
  nlu.addLanguage([LOCALE]);
  // `extraSentences` only train @nlpjs's language guesser, which never runs (every call names the
  // locale); restoring them built a trigram index for nothing (~10 ms of a start).
  if (serialised) nlu.fromJSON({ ...serialised, extraSentences: [] });
  return {
    tokenizer,
    async train(documents) {
      for (const d of documents) nlu.add(LOCALE, d.utterance, d.intent);
      await nlu.train();
    },
    async scores(text) {
      const result = await nlu.process(LOCALE, text);
      return (result.classifications ?? []).map((c) => ({ intent: c.intent, score: c.score }));
    },
    export() {
      return nlu.toJSON();
    },
  };
}
