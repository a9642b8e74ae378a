import { describe, expect, it } from 'vitest';
import { MAX_CLASSIFY_CHARS, normalizeText } from '../../src/bot/nlp/normalize';
import { tokenizeZh } from '../../src/bot/nlp/tokenizer-zh';

describe('normalizeText', () => {
  it('when text has full-width letters and digits, then they become half-width lower-case', () => {
    expect(normalizeText('ＵＫｅｙ插上没反应１２３')).toBe('ukey插上没反应123');
  });

  it('when text has punctuation and emoji, then they become single spaces and are trimmed', () => {
    expect(normalizeText('  你好！！👍🏻领票，怎么弄？🙏  ')).toBe('你好 领票 怎么弄');
  });

  it('when a character repeats more than three times, then the run is cut to three', () => {
    expect(normalizeText('啊啊啊啊啊啊在吗？？？？？')).toBe('啊啊啊在吗');
  });

  it('when a ticket number is written with #, then the # survives', () => {
    expect(normalizeText('＃45 有人回复吗')).toBe('#45 有人回复吗');
  });

  it('when text is longer than the classification limit, then it is cut to the limit', () => {
    const long = '核销'.repeat(400);
    expect(Array.from(normalizeText(long))).toHaveLength(MAX_CLASSIFY_CHARS);
  });

  it('when whitespace runs include ideographic spaces and newlines, then one space remains', () => {
    expect(normalizeText('医疗票\u3000\u3000还剩\n\n多少')).toBe('医疗票 还剩 多少');
  });
});

describe('tokenizeZh', () => {
  it('when text mixes Han and Latin, then Han gives unigrams + bigrams and Latin/digit runs stay whole', () => {
    expect(tokenizeZh('ukey丢了 500张')).toEqual(['ukey', '丢', '丢了', '了', '500', '张']);
  });
});
