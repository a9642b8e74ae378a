import { registerZhTokenizer, type CharNgramTokenizerZh, type NlpContainer } from './tokenizer-zh';

// node-nlp ships no type definitions; this is the slice of its API we rely on.
interface NluResult {
  classifications?: { intent: string; score: number }[];
  intent?: string;
  score?: number;
}
interface NlpManagerLike {
  container: NlpContainer;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  export(minified?: boolean): string;
  import(data: string | object): void;
  nlp: { nluManager: { process(locale: string, text: string): Promise<NluResult> } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { NlpManager } = require('node-nlp') as { NlpManager: new (settings: object) => NlpManagerLike };

/** Score of one intent from the neural classifier. */
export interface IntentScore {
  intent: string;
  score: number;
}

/** node-nlp neural settings worth tuning; the defaults are node-nlp's own. */
export interface EngineSettings {
  useNoneFeature?: boolean;
  iterations?: number;
  errorThresh?: number;
  deltaErrorThresh?: number;
  alpha?: number;
  momentum?: number;
  learningRate?: number;
}

/** A node-nlp manager with our tokenizer, used only for its neural intent classifier. */
export interface NlpEngine {
  tokenizer: CharNgramTokenizerZh;
  train(documents: { utterance: string; intent: string }[]): Promise<void>;
  scores(text: string): Promise<IntentScore[]>;
  export(): string;
}

/** Creates the engine; pass a serialised model to restore it instead of training. */
export function makeNlpEngine(settings: EngineSettings = {}, serialised?: string): NlpEngine {
  const { useNoneFeature = true, ...neural } = settings;
  const manager = new NlpManager({
    languages: ['zh'],
    forceNER: false,
    autoSave: false,
    autoLoad: false,
    calculateSentiment: false,
    // useNoneFeature adds node-nlp's "no known feature → None" sample; our own None class adds the rest.
    // Network hyper-parameters reach training only as per-locale domain settings
    // (nlu.<locale>.<domain>, read by @nlpjs/nlp initialize → useNlu); the flat keys go to the NLU manager.
    nlu: { log: false, useNoneFeature, zh: { default: { className: 'NeuralNlu', log: false, ...neural } } },
  });
  // Registered after construction: the manager's LangAll has just installed the pinyin stemmer.
  const tokenizer = registerZhTokenizer(manager.container);
  if (serialised) manager.import(serialised);
  return {
    tokenizer,
    async train(documents) {
      for (const d of documents) manager.addDocument('zh', d.utterance, d.intent);
      await manager.train();
    },
    async scores(text) {
      const result = await manager.nlp.nluManager.process('zh', text);
      return (result.classifications ?? []).map((c) => ({ intent: c.intent, score: c.score }));
    },
    export() {
      return manager.export(true);
    },
  };
}
