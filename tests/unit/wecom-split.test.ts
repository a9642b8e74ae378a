import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitUtf8, utf8Bytes, WECOM_ROBOT_MARKDOWN_MAX_BYTES, WECOM_TEXT_MAX_BYTES } from '../../src/bot/channels/wecom/split';

const stripMarker = (part: string) => part.replace(/\n\(\d+\/\d+\)$/, '');
const hasBrokenSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('splitUtf8', () => {
  it('when text fits, then it comes back as one part without a marker', () => {
    const text = '票'.repeat(682); // 2046 bytes
    expect(splitUtf8(text, WECOM_TEXT_MAX_BYTES)).toEqual([text]);
  });

  it('when Chinese text exceeds 2048 bytes, then every part is within the limit and text is not lost', () => {
    const text = '医疗收费票据'.repeat(400); // 7200 bytes, no breaks
    const parts = splitUtf8(text, WECOM_TEXT_MAX_BYTES);
    expect(parts.length).toBe(4);
    for (const p of parts) expect(utf8Bytes(p)).toBeLessThanOrEqual(WECOM_TEXT_MAX_BYTES);
    expect(parts.map(stripMarker).join('')).toBe(text);
    expect(
      parts.map((p) =>
        p
          .match(/\((\d+)\/(\d+)\)$/)
          ?.slice(1)
          .join('/'),
      ),
    ).toEqual(['1/4', '2/4', '3/4', '4/4']);
  });

  it('when lines are available, then cuts happen at line breaks and no line is broken', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `第${i + 1}行：您单位的票据结存情况如下。`);
    const parts = splitUtf8(lines.join('\n'), WECOM_TEXT_MAX_BYTES, { markers: false });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.flatMap((p) => p.split('\n'))).toEqual(lines);
  });

  it('when paragraphs are available, then a blank line is preferred over a single newline', () => {
    const para = (c: string) => Array.from({ length: 5 }, () => c.repeat(20)).join('\n');
    const text = [para('a'), para('b'), para('c')].join('\n\n');
    // At 150 bytes a single newline inside paragraph b would fit more, but the blank line wins.
    expect(splitUtf8(text, 150, { markers: false })).toEqual([para('a'), para('b'), para('c')]);
    // At 250 bytes two whole paragraphs fit in the first part.
    expect(splitUtf8(text, 250, { markers: false })).toEqual([`${para('a')}\n\n${para('b')}`, para('c')]);
  });

  it('when only sentences are available, then cuts follow sentence ends', () => {
    const sentence = '请携带单位介绍信和经办人身份证到财政局窗口办理。';
    const parts = splitUtf8(sentence.repeat(100), WECOM_TEXT_MAX_BYTES, { markers: false });
    for (const p of parts) expect(p.endsWith('。')).toBe(true);
    expect(parts.join('')).toBe(sentence.repeat(100));
  });

  it('when emoji and surrogate pairs straddle the limit, then no part holds a broken pair', () => {
    const text = 'a' + '😀'.repeat(1000);
    const parts = splitUtf8(text, 2048, { markers: false });
    for (const p of parts) {
      expect(utf8Bytes(p)).toBeLessThanOrEqual(2048);
      expect(hasBrokenSurrogate(p)).toBe(false);
    }
    expect(parts.join('')).toBe(text);
  });

  it('when a family emoji (ZWJ sequence) would be cut, then it is kept whole', () => {
    const family = '👨‍👩‍👧‍👦'; // 25 bytes
    const text = 'x'.repeat(30) + family + 'y'.repeat(30);
    const parts = splitUtf8(text, 40, { markers: false });
    expect(parts.some((p) => p.includes(family))).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('when the limit is 4096 (robot markdown), then parts use it fully', () => {
    const text = '## 周报\n' + '> 本周工单已全部处理完毕。\n'.repeat(400);
    const parts = splitUtf8(text, WECOM_ROBOT_MARKDOWN_MAX_BYTES);
    for (const p of parts) expect(utf8Bytes(p)).toBeLessThanOrEqual(WECOM_ROBOT_MARKDOWN_MAX_BYTES);
    expect(utf8Bytes(parts[0])).toBeGreaterThan(3500);
  });

  it('when the limit is too small for markers, then parts come without them', () => {
    const parts = splitUtf8('abcdefghij'.repeat(3), 10);
    expect(parts).toEqual(['abcdefghij', 'abcdefghij', 'abcdefghij']);
  });

  it('when there are ten or more parts, then markers still fit the limit', () => {
    const parts = splitUtf8('票'.repeat(10_000), 2048);
    expect(parts.length).toBeGreaterThanOrEqual(10);
    for (const p of parts) expect(utf8Bytes(p)).toBeLessThanOrEqual(2048);
    expect(parts.at(-1)).toMatch(new RegExp(`\\(${parts.length}/${parts.length}\\)$`));
  });

  it('when the limit is below one code point, then it throws', () => {
    expect(() => splitUtf8('x', 3)).toThrow(RangeError);
  });

  it('when any string is split, then parts are within the limit, hold whole code points and lose at most the cut separators', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.integer({ min: 8, max: 300 }), (text, max) => {
        const parts = splitUtf8(text, max, { markers: false });
        for (const p of parts) {
          expect(utf8Bytes(p)).toBeLessThanOrEqual(max);
          expect(hasBrokenSurrogate(p)).toBe(false);
        }
        const squash = (s: string) => s.replace(/[\n ]/g, '');
        expect(squash(parts.join(''))).toBe(squash(text));
      }),
      { numRuns: 300 },
    );
  });
});
