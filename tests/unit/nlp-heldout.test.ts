import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FOLLOWUPS_FILE, loadFollowUps, loadOutOfScope, OUT_OF_SCOPE_FILE } from '../../bench/lib/dialog-sets';
import { HELDOUT_FILE, loadHeldOut } from '../../bench/lib/heldout';
import { NONE } from '../../src/bot/nlp/classifier';
import { loadKnowledgeBase } from '../../src/bot/nlp/kb-loader';
import { normalizeText } from '../../src/bot/nlp/normalize';

// The held-out figures of docs/nlp-evaluation.md mean something only if the model never trained on
// these questions. Compared the way the loader compares utterances: after normalizeText.
const ROOT = join(__dirname, '../..');
const kb = loadKnowledgeBase(join(ROOT, 'knowledge-base'));
const heldout = loadHeldOut().items;

describe(`held-out NLP questions (${HELDOUT_FILE})`, () => {
  it('when the held-out set is compared with the corpus after normalisation, then no item occurs in the corpus', () => {
    const owner = new Map<string, string>();
    for (const i of kb.intents) for (const u of i.utterances) owner.set(normalizeText(u), i.intent);
    const copied = heldout
      .filter((h) => owner.has(normalizeText(h.text)))
      .map((h) => `${h.text} (held-out ${h.intent}, corpus ${owner.get(normalizeText(h.text))})`);
    expect(copied, 'remove these from the held-out file (not from the corpus) and re-run npm run nlp:eval').toEqual([]);
  });

  it('when the held-out set is read, then every intent it names is a corpus intent or None', () => {
    const known = new Set([NONE, ...kb.intents.filter((i) => i.kind !== 'negative').map((i) => i.intent)]);
    expect([...new Set(heldout.map((h) => h.intent))].filter((i) => !known.has(i))).toEqual([]);
  });

  it('when the held-out set is read, then it has at least 100 out-of-scope questions (bot.md)', () => {
    expect(heldout.filter((h) => h.intent === NONE).length).toBeGreaterThanOrEqual(100);
  });
});

describe(`follow-up pairs and out-of-scope sets (${FOLLOWUPS_FILE}, ${OUT_OF_SCOPE_FILE})`, () => {
  const owner = new Map<string, string>();
  for (const i of kb.intents) for (const u of i.utterances) owner.set(normalizeText(u), i.intent);
  const pairs = loadFollowUps().pairs;
  const oos = loadOutOfScope().items;

  it('when they are compared with the corpus after normalisation, then no text occurs in the corpus', () => {
    const texts = [...pairs.flatMap((p) => [p.first, p.then]), ...oos.map((o) => o.text)];
    expect(texts.filter((t) => owner.has(normalizeText(t)))).toEqual([]);
  });

  it('when they are read, then there are at least 40 pairs and 150 out-of-scope rows, and every intent is known', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(40);
    expect(oos.length).toBeGreaterThanOrEqual(150);
    const known = new Set(kb.intents.filter((i) => i.kind !== 'negative').map((i) => i.intent));
    expect(pairs.flatMap((p) => [p.firstIntent, p.intent]).filter((i) => !known.has(i))).toEqual([]);
  });
});
