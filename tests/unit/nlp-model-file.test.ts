import { describe, expect, it } from 'vitest';
import { packModel, unpackModel } from '../../src/bot/nlp/model-file';

// Numbers a trained network holds: float32 weights widened to float64, a float64 bias, tiny and negative values.
const weights = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 7 + seed) / (i + 1)));

const model = () => ({
  format: 'zh-ngram-nn-v4',
  version: 'abc123def456',
  nlp: {
    settings: { locales: ['zh'], threshold: 0.5 },
    network: {
      features: ['核销', '申领', '库存'],
      perceptrons: [
        [...weights(1500, 1), 0.12345678901234566],
        [...weights(1500, 2), -3.5e-300],
      ],
      short: [1, 2, 3],
    },
  },
  utterances: { 'faq.writeoff.process': ['怎么核销'] },
});

describe('model cache file (model-file.ts)', () => {
  it('when a model is packed and unpacked, then it equals the original number for number, and its long arrays are not in the JSON text', () => {
    const original = model();
    const file = packModel(original);
    expect(unpackModel(file)).toEqual(original);
    const header = file.toString('utf8', 12, 12 + file.readUInt32LE(8));
    expect(header).toContain('"short":[1,2,3]');
    expect(header).not.toContain('0.1234567890123456');
    // Two arrays of 1,501 float64 after the header.
    expect(file.length - Math.ceil((12 + file.readUInt32LE(8)) / 8) * 8).toBe(2 * 1501 * 8);
  });

  it('when a model holds typed arrays, then they come back as plain arrays of the same numbers', () => {
    const list = Float32Array.from(weights(2000, 3));
    const back = unpackModel(packModel({ nlp: { w: list } })) as { nlp: { w: number[] } };
    expect(Array.isArray(back.nlp.w)).toBe(true);
    expect(back.nlp.w).toEqual(Array.from(list));
  });

  it.each([
    ['an old JSON model file', () => Buffer.from(JSON.stringify(model()))],
    ['an empty file', () => Buffer.alloc(0)],
    ['a file cut within its values', () => packModel(model()).subarray(0, -12)],
    ['a file cut within its header', () => packModel(model()).subarray(0, 40)],
    ['a file with values no array names', () => Buffer.concat([packModel(model()), Buffer.alloc(8)])],
  ])('when the cache holds %s, then reading it throws (the cache retrains)', (_what, make) => {
    expect(() => unpackModel(make())).toThrow();
  });

  it.each([
    ['an own property that is not the placeholder', '["ledgerkey","name"]'],
    ['a prototype', '["__proto__","list"]'],
  ])('when the header names %s, then reading it throws and no object changes', (_what, forgedPath) => {
    const file = packModel({ ledgerkey: { list: weights(1024, 5), name: '核销' } });
    const header = file.toString('utf8', 12, 12 + file.readUInt32LE(8));
    // The same length in bytes, so the forged header is still well-formed JSON of the recorded size.
    expect(forgedPath.length).toBe('["ledgerkey","list"]'.length);
    const forged = Buffer.from(file);
    forged.write(header.replace('["ledgerkey","list"]', forgedPath), 12, 'utf8');
    expect(() => unpackModel(forged)).toThrow(/names an array/);
    expect(({} as Record<string, unknown>).list).toBeUndefined();
  });

  it('when the header names an array where the model has no object, then reading it throws', () => {
    const file = packModel({ a: { list: weights(1024, 4) } });
    const header = file.toString('utf8', 12, 12 + file.readUInt32LE(8)).replace('["a","list"]', '["b","list"]');
    const forged = Buffer.from(file);
    forged.write(header, 12, 'utf8');
    expect(() => unpackModel(forged)).toThrow(/names an array/);
  });
});
