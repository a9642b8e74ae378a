import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { repoRoot } from './repo-root';

/** Follow-up pairs and out-of-scope sets of the evaluation, relative to the repository root (never trained on). */
export const FOLLOWUPS_FILE = 'bench/fixtures/nlp-followups.yml';
export const OUT_OF_SCOPE_FILE = 'bench/fixtures/nlp-out-of-scope.yml';

/** A first question and its follow-up; the entity fields, when given, must be in the follow-up's answer. */
export interface FollowUpPair {
  first: string;
  firstIntent: string;
  then: string;
  intent: string;
  billType?: string;
  electronic?: boolean;
  latest?: boolean;
  period?: string;
}

export const OUT_OF_SCOPE_SETS = ['chit-chat', 'tax', 'other-system', 'other-unit', 'change', 'not-bills'] as const;
export type OutOfScopeSet = (typeof OUT_OF_SCOPE_SETS)[number];
export interface OutOfScopeItem {
  text: string;
  set: OutOfScopeSet;
}

const version = (items: unknown): string => createHash('sha256').update(JSON.stringify(items)).digest('hex').slice(0, 12);

export function loadFollowUps(file: string = join(repoRoot(), FOLLOWUPS_FILE)): { pairs: FollowUpPair[]; version: string } {
  const doc = loadYaml(readFileSync(file, 'utf8')) as { pairs: FollowUpPair[] };
  const pairs = doc.pairs.map((p) => ({
    ...p,
    first: String(p.first),
    then: String(p.then),
    period: p.period === undefined ? undefined : String(p.period),
  }));
  return { pairs, version: version(pairs) };
}

export function loadOutOfScope(file: string = join(repoRoot(), OUT_OF_SCOPE_FILE)): { items: OutOfScopeItem[]; version: string } {
  const doc = loadYaml(readFileSync(file, 'utf8')) as { items: OutOfScopeItem[] };
  for (const i of doc.items) {
    if (!OUT_OF_SCOPE_SETS.includes(i.set)) throw new Error(`${OUT_OF_SCOPE_FILE}: unknown set ${String(i.set)} for ${i.text}`);
  }
  const items = doc.items.map((i) => ({ text: String(i.text), set: i.set }));
  return { items, version: version(items) };
}
