import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeClassifier, MODEL_FORMAT, NONE, type Classifier } from '../../src/bot/nlp/classifier';
import { loadKnowledgeBase, validateKnowledgeBase, type KnowledgeBase } from '../../src/bot/nlp/kb-loader';
import { loadOrTrain, makeModelCache } from '../../src/bot/nlp/model-cache';
import { unpackModel } from '../../src/bot/nlp/model-file';

const storedModel = (path: string) => unpackModel(readFileSync(path)) as { format: string; version: string };

// A tiny corpus keeps the cache and tokenizer tests independent of the real one.
const tiny = (): KnowledgeBase => {
  const intent = (name: string, kind: string, utterances: string[]) => ({
    intent: name,
    kind,
    description: name,
    utterances,
    answers: kind === 'negative' ? [] : ['好的'],
    provenance: { source: 'test', effectiveDate: '2024-01-01' },
  });
  return validateKnowledgeBase([
    {
      path: 'tiny.yml',
      data: {
        area: 'tiny',
        intents: [
          intent('faq.writeoff.process', 'faq', ['怎么核销', '核销流程是什么', '核销要准备什么材料', '票据核销怎么操作']),
          intent('faq.ukey', 'faq', ['ukey插上没反应', '证书过期了怎么办', '签章失败怎么处理', 'ukey驱动在哪下载']),
          intent('None', 'negative', ['今天天气怎么样', '个税怎么申报', '中午吃什么', '公积金怎么提取']),
        ],
      },
    },
  ]);
};

describe('classifier plumbing (tiny corpus)', () => {
  it('when the classifier is trained, then @nlpjs tokenises with our n-gram tokenizer (features are Han bigrams, not pinyin)', async () => {
    const c = makeClassifier();
    await c.train(tiny());
    expect(c.tokenizerCalls).toBeGreaterThan(0);
    // The serialised network lists its input features; the stock zh stemmer would have produced pinyin.
    const features = JSON.stringify(c.toJSON().nlp);
    expect(features.includes('"核销":1')).toBe(true);
    expect(features.includes('"怎么":1')).toBe(true);
    expect(/he2 xiao1|"he2"|"xiao1"/.test(features)).toBe(false);
  });

  it('when a model is cached for the corpus version, then start-up loads it without training', async () => {
    const kb = tiny();
    const cache = makeModelCache({ dir: mkdtempSync(join(tmpdir(), 'nlp-cache-')) });
    const first = await loadOrTrain({ kb, cache, classifier: makeClassifier() });
    expect(first.fromCache).toBe(false);
    expect(existsSync(cache.pathFor(kb.version))).toBe(true);

    const second = makeClassifier();
    let trained = false;
    const spy: Classifier = Object.assign(Object.create(null), second, {
      train: async () => {
        trained = true;
      },
      fromJSON: (model: Parameters<Classifier['fromJSON']>[0]) => second.fromJSON(model),
      classify: (text: string) => second.classify(text),
    });
    const again = await loadOrTrain({ kb, cache, classifier: spy });
    expect(again.fromCache).toBe(true);
    expect(trained).toBe(false);
    expect((await second.classify('怎么核销')).intent).toBe('faq.writeoff.process');
  });

  it('when the cache file is corrupt, then the model is retrained and the file overwritten', async () => {
    const kb = tiny();
    const cache = makeModelCache({ dir: mkdtempSync(join(tmpdir(), 'nlp-cache-')) });
    mkdirSync(dirname(cache.pathFor(kb.version)), { recursive: true });
    writeFileSync(cache.pathFor(kb.version), `{"format": "${MODEL_FORMAT}", "vers`);
    const result = await loadOrTrain({ kb, cache, classifier: makeClassifier() });
    expect(result.fromCache).toBe(false);
    expect(storedModel(cache.pathFor(kb.version)).version).toBe(kb.version);
  });

  it('when only models of an older format are on disk for the corpus version, then none is read: the model is retrained and cached under the current format', async () => {
    const kb = tiny();
    const dir = mkdtempSync(join(tmpdir(), 'nlp-cache-'));
    // The v2 layout (<dir>/<version>.json, node-nlp's whole NlpManager), and a v2 model where the current format looks.
    const v2 = { format: 'zh-ngram-nn-v2', version: kb.version, nlp: '{"settings":{},"nluManager":{}}', utterances: {} };
    writeFileSync(join(dir, `${kb.version}.json`), JSON.stringify(v2));
    const cache = makeModelCache({ dir });
    mkdirSync(dirname(cache.pathFor(kb.version)), { recursive: true });
    writeFileSync(cache.pathFor(kb.version), JSON.stringify(v2));

    const result = await loadOrTrain({ kb, cache, classifier: makeClassifier() });
    expect(result.fromCache).toBe(false);
    expect(cache.pathFor(kb.version)).toContain(MODEL_FORMAT);
    expect(storedModel(cache.pathFor(kb.version)).format).toBe(MODEL_FORMAT);
    expect(JSON.parse(readFileSync(join(dir, `${kb.version}.json`), 'utf8'))).toEqual(v2);
  });
});

const REAL = 'knowledge-base/zh';
const hasCorpus = existsSync(join(REAL, 'region.yml')) && existsSync(join(REAL, 'out-of-scope.yml'));

describe.skipIf(!hasCorpus)('classifier on the real knowledge base', () => {
  let c: Classifier;
  beforeAll(async () => {
    c = makeClassifier();
    await c.train(loadKnowledgeBase(REAL));
  }, 120_000);

  it.each([
    ['我们单位医疗票还剩多少', 'stock.query'],
    ['领票要带什么材料', 'faq.apply.materials'],
    ['怎么申领票据', 'faq.apply.process'],
    ['一次最多能领几个月的票', 'faq.apply.limit'],
    ['核销被退回了怎么办', 'faq.writeoff.rejected'],
    ['票开错了怎么作废', 'faq.void'],
    ['票据丢了怎么办', 'faq.lost'],
    ['存根要保存几年', 'faq.destroy.process'],
    ['电子票据怎么开', 'faq.ebill'],
    ['票据真伪怎么查', 'faq.verify'],
    ['忘记密码了', 'faq.password'],
    ['ukey插上没反应', 'faq.ukey'],
    ['套打对不齐', 'faq.print'],
    ['用什么浏览器', 'faq.browser'],
    ['财政局电话多少', 'faq.contact'],
    ['系统打不开了一直报错', 'fault.report'],
    ['转人工', 'handoff.human'],
    ['谢谢', 'thanks'],
    ['我的工单处理了没', 'ticket.status'],
  ])('when asked %s, then the intent is %s', async (text, intent) => {
    expect((await c.classify(text)).intent).toBe(intent);
  });

  it.each([['今天天气怎么样'], ['个税怎么申报'], ['帮我把申请批了'], ['帮我查一下市人民医院还剩多少票'], ['asdfgh'], ['tell me a joke']])(
    'when asked %s, then the answer is None',
    async (text) => {
      expect((await c.classify(text)).intent).toBe(NONE);
    },
  );

  it.each([
    ['核销现在什么情况', 'writeoff.status'],
    ['怎么核销', 'faq.writeoff.process'],
    ['我们的申领批了没', 'application.status'],
    ['申领流程是什么', 'faq.apply.process'],
    ['销毁申请到哪一步了', 'destruction.status'],
    ['票据怎么销毁', 'faq.destroy.process'],
  ])('when asked %s (status vs how-to), then the intent is %s', async (text, intent) => {
    expect((await c.classify(text)).intent).toBe(intent);
  });

  it('when the trained model goes through the cache file, then the restored classifier answers every question exactly as the trained one', async () => {
    const kb = loadKnowledgeBase(REAL);
    const cache = makeModelCache({ dir: mkdtempSync(join(tmpdir(), 'nlp-cache-')) });
    cache.write(c.toJSON());
    const restored = makeClassifier();
    restored.fromJSON(cache.read(kb.version)!);
    // Every utterance of the corpus and some it has never seen: intent, score and alternatives alike.
    const questions = [...kb.intents.flatMap((i) => i.utterances.slice(0, 5)), '今天天气怎么样', '核销现在什么情况', '票据丢了怎么办'];
    for (const q of questions) expect(await restored.classify(q), q).toEqual(await c.classify(q));
  });

  it('when a question is classified, then the top-3 alternatives come with scores, best first', async () => {
    const r = await c.classify('核销要准备什么');
    expect(r.alternatives.length).toBeGreaterThan(0);
    expect(r.alternatives.length).toBeLessThanOrEqual(3);
    const scores = r.alternatives.map((a) => a.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});
