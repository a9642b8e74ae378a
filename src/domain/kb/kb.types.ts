/** What an edit does to one intent. */
export const KB_CHANGE_KINDS = ['add-utterance', 'remove-utterance', 'set-answers', 'add-intent', 'edit-description'] as const;
export type KbChangeKind = (typeof KB_CHANGE_KINDS)[number];
export const KB_CHANGE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type KbChangeStatus = (typeof KB_CHANGE_STATUSES)[number];
export type KbChangeSource = 'api' | 'engineer-reply';

/** The data of a change; which fields are set depends on the kind. */
export interface KbChangePayload {
  utterances?: string[];
  answers?: string[];
  description?: string;
  /** add-intent: faq | conversation. */
  intentKind?: string;
  provenance?: { source: string; effectiveDate: string };
  /** Learning loop: the engineer's reply, offered as an answer. */
  answer?: string;
  /** Learning loop, set at approval: the reply becomes the intent's first (live) answer. */
  asAnswer?: boolean;
  /** Learning loop: the bot's best guess when it escalated. */
  guess?: string | null;
}

/** A change as the overlay applies it. */
export interface KbChangeData {
  id: number;
  intent: string;
  kind: KbChangeKind;
  payload: KbChangePayload;
}

/** An intent of the effective corpus (reviewed files + approved overlay). */
export interface KbIntentView {
  intent: string;
  kind: string;
  description: string;
  utterances: string[];
  answers: string[];
  provenance: { source: string; effectiveDate: string };
}

/** The effective corpus: what the next training run uses. */
export interface EffectiveCorpus {
  version: string;
  intents: KbIntentView[];
  warnings: string[];
}

/**
 * Port to the corpus (implemented by the bot over knowledge-base/): the domain decides who may
 * change what and when; the corpus says whether the result is a valid knowledge base.
 */
export interface KbCorpus {
  /** Reviewed files + approved changes (replayed leniently: already-folded changes are no-ops). */
  build(approved: KbChangeData[]): EffectiveCorpus;
  /**
   * Checks one more change on top of the approved ones strictly (unknown intent, existing intent,
   * duplicate or over-long content…); throws ValidationError/ConflictError/NotFoundError in Chinese.
   */
  check(approved: KbChangeData[], candidate: KbChangeData): EffectiveCorpus;
  /** The effective corpus as YAML files, for a maintainer to fold into git. */
  exportFiles(approved: KbChangeData[]): Array<{ path: string; content: string; changed: boolean }>;
}
