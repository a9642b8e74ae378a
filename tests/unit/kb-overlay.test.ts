import { describe, expect, it } from 'vitest';
import { validateKnowledgeBase, type KbSourceFile } from '../../src/bot/nlp/kb-loader';
import { applyOverlay, overlayProblems } from '../../src/bot/nlp/kb-overlay';
import type { KbChangeData } from '../../src/domain/kb/kb.types';

const provenance = { source: '测试', effectiveDate: '2026-01-01' };
const intent = (name: string, utterances: string[], kind = 'faq') => ({
  intent: name,
  kind,
  description: name,
  utterances,
  answers: kind === 'negative' ? [] : [`${name} 的答案`],
  provenance,
});
const files = (): KbSourceFile[] => [
  { path: 'zh/region.yml', data: { values: { 'bureau.phone': '123' } } },
  {
    path: 'zh/system.yml',
    data: { area: 'system', intents: [intent('faq.ukey', ['ukey坏了', '证书过期']), intent('faq.login', ['登录不上'])] },
  },
  { path: 'zh/out-of-scope.yml', data: { area: 'out-of-scope', intents: [intent('None', ['今天天气'], 'negative')] } },
];
const change = (id: number, c: Omit<KbChangeData, 'id'>): KbChangeData => ({ id, ...c });
const find = (fs: KbSourceFile[], name: string) =>
  fs
    .flatMap((f) =>
      ((f.data as { intents?: Array<{ intent: string; utterances: string[]; answers: string[] }> }).intents ?? []).map((i) => ({
        path: f.path,
        ...i,
      })),
    )
    .find((i) => i.intent === name);

describe('knowledge-base overlay', () => {
  it('when changes are applied, then the source files are not mutated and the result validates', () => {
    const source = files();
    const before = JSON.stringify(source);
    const { files: out } = applyOverlay(source, [
      change(1, { intent: 'faq.ukey', kind: 'add-utterance', payload: { utterances: ['签章盘没反应'] } }),
      change(2, { intent: 'faq.login', kind: 'set-answers', payload: { answers: ['请联系 {{bureau.phone}}'] } }),
    ]);
    expect(JSON.stringify(source)).toBe(before);
    expect(find(out, 'faq.ukey')!.utterances).toContain('签章盘没反应');
    expect(validateKnowledgeBase(out).intents.find((i) => i.intent === 'faq.login')!.answers).toEqual(['请联系 {{bureau.phone}}']);
  });

  it('when a new intent shares two name segments with a reviewed one, then it joins that file; otherwise it goes to added.yml', () => {
    const { files: out } = applyOverlay(files(), [
      change(1, {
        intent: 'faq.ukey.reset',
        kind: 'add-intent',
        payload: { intentKind: 'faq', description: '重置', utterances: ['ukey重置'], answers: ['a'], provenance },
      }),
      change(2, {
        intent: 'faq.invoice',
        kind: 'add-intent',
        payload: { intentKind: 'faq', description: '发票', utterances: ['发票问题'], answers: ['b'], provenance },
      }),
    ]);
    expect(find(out, 'faq.ukey.reset')!.path).toBe('zh/system.yml');
    expect(find(out, 'faq.invoice')!.path).toBe('zh/added.yml');
    expect(validateKnowledgeBase(out).intents).toHaveLength(5);
  });

  it('when the approved overlay is replayed on files that already contain it, then nothing changes (folded back into git)', () => {
    const overlay = [
      change(1, { intent: 'faq.ukey', kind: 'add-utterance', payload: { utterances: ['签章盘没反应'] } }),
      change(2, {
        intent: 'faq.invoice',
        kind: 'add-intent',
        payload: { intentKind: 'faq', description: '发票', utterances: ['发票问题'], answers: ['b'], provenance },
      }),
      change(3, { intent: 'faq.login', kind: 'remove-utterance', payload: { utterances: ['不存在的说法'] } }),
    ];
    const once = applyOverlay(files(), overlay).files;
    const twice = applyOverlay(once, overlay);
    expect(validateKnowledgeBase(twice.files).version).toBe(validateKnowledgeBase(once).version);
    expect(twice.skipped).toEqual([2]);
  });

  it('when the reviewed files later give an approved utterance to another intent, then the files win and the corpus stays valid', () => {
    const source = files();
    find(source, 'faq.login')!.utterances.push('签章盘没反应');
    const { files: out } = applyOverlay(source, [
      change(1, { intent: 'faq.ukey', kind: 'add-utterance', payload: { utterances: ['签章盘没反应'] } }),
    ]);
    expect(find(out, 'faq.ukey')!.utterances).not.toContain('签章盘没反应');
    expect(() => validateKnowledgeBase(out)).not.toThrow();
  });

  it('when a new change is checked strictly, then unknown intents, taken utterances and answers for the negative class are named in Chinese', () => {
    const fs = files();
    expect(overlayProblems(fs, change(0, { intent: 'faq.nope', kind: 'add-utterance', payload: { utterances: ['x'] } }))).toEqual([
      { status: 'not-found', message: '意图 faq.nope 不存在' },
    ]);
    expect(overlayProblems(fs, change(0, { intent: 'faq.ukey', kind: 'add-intent', payload: { utterances: ['y'] } }))[0].status).toBe(
      'conflict',
    );
    const taken = overlayProblems(
      fs,
      change(0, {
        intent: 'faq.ukey',
        kind: 'add-utterance',
        payload: { utterances: ['登录不上', 'ukey坏了', '新说法', '新说法', '！！'] },
      }),
    );
    expect(taken.map((p) => p.message)).toEqual([
      '说法「登录不上」已属于意图 faq.login，同一说法不能属于两个意图',
      '说法「ukey坏了」已在意图 faq.ukey 中',
      '说法「新说法」在本次提交中重复',
      '说法「！！」去掉标点、空格和表情后为空',
    ]);
    expect(overlayProblems(fs, change(0, { intent: 'None', kind: 'set-answers', payload: { answers: ['a'] } }))[0].status).toBe('invalid');
    expect(
      overlayProblems(fs, change(0, { intent: 'faq.login', kind: 'remove-utterance', payload: { utterances: ['没有这句'] } }))[0].message,
    ).toBe('意图 faq.login 中没有说法「没有这句」');
  });
});
