import type { Actor } from '../domain/identity/actor';
import type { KbChangeService, KbEditResult } from '../domain/kb/kb-change.service';
import type { KbIntentView } from '../domain/kb/kb.types';
import type { KbAdminPort, KbEdit, KbIntentSummary, KbTrainResult } from '../domain/ports/bot';
import type { Logger } from '../logger';
import type { NlpHolder, NlpModel } from './dialog/nlp-holder';
import { normalizeText } from './nlp/normalize';

export interface KbAdminDeps {
  nlp: NlpHolder;
  /** Builds a fresh (kb, classifier) pair from the effective corpus (files + approved overlay). */
  rebuild: () => Promise<NlpModel & { fromCache?: boolean }>;
  changes: KbChangeService;
  logger: Logger;
}

/** Intents whose name, description, answers or (normalised) utterances contain q. */
function search(intents: KbIntentView[], q: string | undefined, kind: string | undefined): KbIntentSummary[] {
  const needle = q ? normalizeText(q) : '';
  return intents
    .filter((i) => !kind || i.kind === kind)
    .map((i) => {
      const matches = needle ? i.utterances.filter((u) => normalizeText(u).includes(needle)) : [];
      const hit =
        !needle || matches.length > 0 || [i.intent, i.description, ...i.answers].some((s) => s.toLowerCase().includes(q!.toLowerCase()));
      return hit
        ? {
            intent: i.intent,
            kind: i.kind,
            description: i.description,
            utterances: i.utterances.length,
            answers: i.answers,
            ...(needle ? { matches: matches.slice(0, 20) } : {}),
          }
        : null;
    })
    .filter((i) => i !== null);
}

/** The knowledge base's admin port over the overlay service and the live model. */
export function makeKbAdmin(deps: KbAdminDeps): KbAdminPort {
  const { nlp, changes, logger } = deps;
  const live = () => nlp.current().kb.version;

  async function train(): Promise<KbTrainResult> {
    const previousVersion = live();
    const started = Date.now();
    let fromCache = false;
    // An invalid corpus throws before the swap: the live model stays.
    const next = await nlp.retrain(async () => {
      const built = await deps.rebuild();
      fromCache = built.fromCache ?? false;
      return { kb: built.kb, classifier: built.classifier };
    });
    logger.info({ version: next.kb.version, previousVersion }, 'knowledge base retrained');
    return { version: next.kb.version, previousVersion, intents: next.kb.intents.length, fromCache, ms: Date.now() - started };
  }
  // A run already in flight may have read the overlay before this change: then run once more.
  async function trainTo(version: string): Promise<KbTrainResult> {
    const first = await train();
    return first.version === version ? first : { ...(await train()), previousVersion: first.previousVersion };
  }

  /** Edit kind → the overlay service's call. */
  const apply: { [K in KbEdit['kind']]: (actor: Actor, e: Extract<KbEdit, { kind: K }>) => Promise<KbEditResult> } = {
    'add-intent': (actor, e) => changes.addIntent(actor, e.input),
    'add-utterances': (actor, e) => changes.addUtterances(actor, e.intent, e.utterances),
    'remove-utterances': (actor, e) => changes.removeUtterances(actor, e.intent, e.utterances),
    'set-answers': (actor, e) => changes.setAnswers(actor, e.intent, e.answers),
    'edit-description': (actor, e) => changes.editDescription(actor, e.intent, e.description),
    approve: (actor, e) => changes.approve(actor, e.id, e.input),
    reject: (actor, e) => changes.reject(actor, e.id, e.opinion),
  };

  return {
    async search(q) {
      const corpus = await changes.effective();
      return {
        version: corpus.version,
        liveVersion: live(),
        trained: corpus.version === live(),
        items: search(corpus.intents, q.q, q.kind),
      };
    },
    intent: (actor, name) => changes.intent(actor, name),
    async edit(actor, edit, opts) {
      const r = await (apply[edit.kind] as (actor: Actor, e: KbEdit) => Promise<KbEditResult>)(actor, edit);
      // Only a live (approved) change is worth training on; a pending proposal waits for review.
      const trained = opts.train && r.change.status === 'approved' ? await trainTo(r.version) : null;
      return { change: r.change, version: r.version, liveVersion: live(), warnings: r.warnings, trained };
    },
    train,
    changes: (actor, q) => changes.list(actor, q),
    exportFiles: (actor) => changes.exportFiles(actor),
  };
}
