import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { repoRoot } from './repo-root';

/**
 * The held-out questions of the NLP evaluation, relative to the repository root. They live with the
 * benchmarks (nlp:eval, nlp:speed, bench:bot read them) and tests read them too; not under
 * knowledge-base/, whose every *.yml the loader trains on.
 */
export const HELDOUT_FILE = 'bench/fixtures/nlp-heldout.yml';

/** One held-out question and the intent it should get (`None`: must be escalated). */
export interface HeldOutItem {
  text: string;
  intent: string;
}

/** The held-out set and its version: sha256 of its items, 12 hex chars (comments and YAML style do not count). */
export function loadHeldOut(file: string = join(repoRoot(), HELDOUT_FILE)): { items: HeldOutItem[]; version: string } {
  const text = readFileSync(file, 'utf8');
  const doc = loadYaml(text) as { items: Array<{ text: string | number; intent: string }> };
  // YAML reads a bare 123 as a number; the bot only ever sees text.
  const items = doc.items.map((i) => ({ text: String(i.text), intent: i.intent }));
  return { items, version: createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 12) };
}
