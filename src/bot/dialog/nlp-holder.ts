import type { Classifier } from '../nlp/classifier';
import type { KnowledgeBase } from '../nlp/kb-loader';

/** A knowledge base and the classifier trained on it; always swapped together. */
export interface NlpModel {
  kb: KnowledgeBase;
  classifier: Classifier;
}

/**
 * Holds the live model. Retraining builds a new classifier beside the old one and swaps the
 * reference in one assignment, so a message is always classified and answered by one consistent
 * (kb, classifier) pair and the bot never pauses for training.
 */
export function makeNlpHolder(initial: NlpModel) {
  let current = initial;
  let training: Promise<NlpModel> | undefined;
  return {
    current: (): NlpModel => current,
    swap(next: NlpModel): void {
      current = next;
    },
    /** Single-flight retrain: concurrent callers share one training run. */
    retrain(build: () => Promise<NlpModel>): Promise<NlpModel> {
      training ??= build()
        .then((next) => {
          current = next;
          return next;
        })
        .finally(() => {
          training = undefined;
        });
      return training;
    },
  };
}
export type NlpHolder = ReturnType<typeof makeNlpHolder>;
