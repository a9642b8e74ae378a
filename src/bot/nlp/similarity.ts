import { tokenizeZh } from './tokenizer-zh';

/** Nearest training utterance of one intent. */
export interface Neighbour {
  intent: string;
  score: number;
  utterance: string;
}

/** Character n-gram nearest-neighbour index over the training utterances (already normalised). */
export interface SimilarityIndex {
  /** Highest similarity of text to any utterance of intent (0 when the intent is unknown). */
  maxFor(text: string, intent: string): Neighbour;
  /** Highest similarity per intent, best first. */
  ranked(text: string): Neighbour[];
}

/** Uni+bigram set of a normalised text; unigrams keep two-character questions comparable. */
export function gramSet(text: string): Set<string> {
  return new Set(tokenizeZh(text));
}

/**
 * Set cosine |A∩B| / sqrt(|A|·|B|): unlike Jaccard it does not punish a terse question
 * for matching only part of a long, polite training sentence as hard.
 */
export function setCosine(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let common = 0;
  for (const g of small) if (large.has(g)) common += 1;
  return common / Math.sqrt(a.size * b.size);
}

/** Builds the index; utterancesByIntent must hold normalised texts. */
export function makeSimilarityIndex(utterancesByIntent: Record<string, string[]>): SimilarityIndex {
  const entries = Object.entries(utterancesByIntent).flatMap(([intent, list]) =>
    list.map((utterance) => ({ intent, utterance, grams: gramSet(utterance) })),
  );
  const byIntent = new Map<string, typeof entries>();
  for (const e of entries) {
    const list = byIntent.get(e.intent) ?? [];
    list.push(e);
    byIntent.set(e.intent, list);
  }
  const best = (grams: Set<string>, list: typeof entries, intent: string): Neighbour => {
    let top: Neighbour = { intent, score: 0, utterance: '' };
    for (const e of list) {
      const score = setCosine(grams, e.grams);
      if (score > top.score) top = { intent, score, utterance: e.utterance };
    }
    return top;
  };
  return {
    maxFor(text, intent) {
      return best(gramSet(text), byIntent.get(intent) ?? [], intent);
    },
    ranked(text) {
      const grams = gramSet(text);
      return [...byIntent.entries()].map(([intent, list]) => best(grams, list, intent)).sort((a, b) => b.score - a.score);
    },
  };
}
