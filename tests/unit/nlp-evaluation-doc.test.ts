import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHeldOut } from '../../bench/lib/heldout';
import { listBlocks, readBlock } from '../../bench/lib/write-results';
import { loadKnowledgeBase } from '../../src/bot/nlp/kb-loader';

// Fast on purpose: reads the YAML and hashes it, no training. The figures themselves come from
// `npm run nlp:eval`, which is too slow for a test; this only notices when they are out of date.
const ROOT = join(__dirname, '../..');
const DOC = 'docs/nlp-evaluation.md';
const doc = readFileSync(join(ROOT, DOC), 'utf8');
const RERUN = `${DOC} was measured on other data: re-run npm run nlp:eval`;

describe(DOC, () => {
  it('when the document states the corpus version it was measured on, then it is the current knowledge base version', () => {
    const documented = readBlock(doc, 'nlp-eval', 'run').match(/corpus version `([0-9a-f]{12})`/)?.[1];
    expect(documented, 'the run block names no corpus version').toBeDefined();
    expect(documented, RERUN).toBe(loadKnowledgeBase(join(ROOT, 'knowledge-base')).version);
  });

  it('when the document states the held-out set version it was measured on, then it is the current held-out set version', () => {
    const documented = readBlock(doc, 'nlp-eval', 'run').match(/held-out set version `([0-9a-f]{12})`/)?.[1];
    expect(documented, 'the run block names no held-out version').toBeDefined();
    expect(documented, RERUN).toBe(loadHeldOut().version);
  });

  it('when the document is read, then it has every block nlp:eval and nlp:speed write, each filled', () => {
    expect(listBlocks(doc, 'nlp-eval')).toEqual(['run', 'dialog', 'sweep', 'choice', 'per-intent']);
    expect(listBlocks(doc, 'nlp-speed')).toEqual(['results']);
    for (const name of listBlocks(doc, 'nlp-eval')) expect(readBlock(doc, 'nlp-eval', name), name).not.toBe('');
  });
});
