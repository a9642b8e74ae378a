import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnowledgeBaseError, loadKnowledgeBase, renderAnswer, validateKnowledgeBase, type KbSourceFile } from '../../src/bot/nlp/kb-loader';

const utterances = (prefix: string, n = 3): string[] => Array.from({ length: n }, (_, i) => `${prefix}问题${i}`);
const intent = (name: string, extra: Record<string, unknown> = {}) => ({
  intent: name,
  kind: 'faq',
  description: '测试',
  utterances: utterances(name),
  answers: ['请拨打 {{bureau.phone}}。'],
  provenance: { source: '测试通知', effectiveDate: '2024-01-01' },
  ...extra,
});
const region: KbSourceFile = { path: 'region.yml', data: { values: { 'bureau.phone': '0000-1234', 'apply.capMonths': 3 } } };
const area = (...intents: unknown[]): KbSourceFile => ({ path: 'apply.yml', data: { area: 'apply', intents } });

function problemsOf(files: KbSourceFile[]): string {
  try {
    validateKnowledgeBase(files);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeBaseError);
    return (err as Error).message;
  }
  throw new Error('expected the knowledge base to be refused');
}

describe('validateKnowledgeBase', () => {
  it('when the corpus is valid, then it returns intents, region values and a 12-hex version', () => {
    const kb = validateKnowledgeBase([area(intent('faq.apply.process')), region]);
    expect(kb.intents.map((i) => i.intent)).toEqual(['faq.apply.process']);
    expect(kb.region['apply.capMonths']).toBe(3);
    expect(kb.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('when an intent has an unknown field, then it fails naming file, intent and field', () => {
    const msg = problemsOf([area(intent('faq.apply.process', { answer: 'typo' })), region]);
    expect(msg).toContain('apply.yml [faq.apply.process]');
    expect(msg).toMatch(/answer/);
  });

  it('when kind is unknown, then it fails naming the intent', () => {
    expect(problemsOf([area(intent('faq.apply.process', { kind: 'question' })), region])).toMatch(/\[faq\.apply\.process\].*kind/);
  });

  it('when a faq intent has no answers, then it fails; a negative intent may have none', () => {
    expect(problemsOf([area(intent('faq.apply.process', { answers: [] })), region])).toMatch(/needs at least one answer/);
    const ok = validateKnowledgeBase([area(intent('None', { kind: 'negative', answers: [] })), region]);
    expect(ok.intents[0].kind).toBe('negative');
  });

  it('when two intents share an utterance after normalisation, then it fails naming both intents', () => {
    const a = intent('faq.apply.process', { utterances: ['怎么领票？'] });
    const b = intent('faq.apply.materials', { utterances: ['怎么领票'] });
    const msg = problemsOf([area(a, b), region]);
    expect(msg).toContain('[faq.apply.materials]');
    expect(msg).toContain('also an utterance of faq.apply.process');
  });

  it('when an intent repeats an utterance (full-width variant), then it fails', () => {
    expect(problemsOf([area(intent('faq.ukey', { utterances: ['UKey坏了', 'ｕｋｅｙ坏了！'] })), region])).toMatch(/duplicate utterance/);
  });

  it('when an answer exceeds 2048 bytes after region substitution, then it fails with the byte count', () => {
    // 680 Han chars = 2040 bytes; the phone number pushes it over the limit only after substitution.
    const answer = `${'票'.repeat(680)}{{bureau.phone}}`;
    expect(problemsOf([area(intent('faq.apply.process', { answers: [answer] })), region])).toMatch(
      /answer 1 is 2049 bytes after substitution/,
    );
  });

  it('when an answer uses a placeholder missing from region, then it fails naming it; ticket.* and region settings are left to the dialog', () => {
    const bad = intent('faq.apply.process', { answers: ['见 {{bureau.addres}}，地址 {{bureau.address}}，工单 {{ticket.no}}'] });
    const msg = problemsOf([area(bad), region]);
    expect(msg).toContain('bureau.addres');
    expect(msg).not.toContain('bureau.address');
    expect(msg).not.toContain('ticket.no');
  });

  it('when an intent is defined in two files, then it fails', () => {
    const other: KbSourceFile = {
      path: 'other.yml',
      data: { area: 'other', intents: [intent('faq.apply.process', { utterances: ['另一个'] })] },
    };
    expect(problemsOf([area(intent('faq.apply.process')), other, region])).toMatch(/already defined in apply\.yml/);
  });

  it('when only file order, key order or utterance spacing changes, then the version is unchanged', () => {
    const a = validateKnowledgeBase([area(intent('faq.a'), intent('faq.b')), region]).version;
    const b = validateKnowledgeBase([
      region,
      area(intent('faq.b'), { ...intent('faq.a'), utterances: utterances('faq.a').map((u) => ` ${u}！`) }),
    ]).version;
    const c = validateKnowledgeBase([area(intent('faq.a'), intent('faq.b', { answers: ['改了答案'] })), region]).version;
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});

describe('renderAnswer', () => {
  it('when values hold the placeholder, then it is filled; unknown ticket.* placeholders stay', () => {
    expect(renderAnswer('电话 {{ bureau.phone }}，工单 {{ticket.no}}', { 'bureau.phone': '123' })).toBe('电话 123，工单 {{ticket.no}}');
  });
});

describe('loadKnowledgeBase', () => {
  it('when a YAML file does not parse, then it fails naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-'));
    writeFileSync(join(dir, 'bad.yml'), 'area: x\nintents: [\n');
    expect(() => loadKnowledgeBase(dir)).toThrow(/bad\.yml: YAML does not parse/);
  });

  it.skipIf(!existsSync('knowledge-base/zh/region.yml'))(
    'when the real knowledge base is loaded, then it validates and has the contract intents',
    () => {
      const kb = loadKnowledgeBase('knowledge-base/zh');
      const names = kb.intents.map((i) => i.intent);
      expect(names).toEqual(expect.arrayContaining(['faq.apply.process', 'writeoff.status', 'stock.query']));
      expect(kb.version).toMatch(/^[0-9a-f]{12}$/);
    },
  );
});
