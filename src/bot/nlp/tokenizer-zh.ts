import { normalizeText } from './normalize';

// Han characters form n-grams; Latin letters and digits form whole words (ukey, excel, 500).
const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}#]/u;

/**
 * Character unigrams + bigrams for Han runs, whole words for Latin/digit runs.
 * Measured on this domain: as good as dictionary segmentation, and no native binary.
 */
export function tokenizeZh(text: string): string[] {
  const tokens: string[] = [];
  let han: string[] = [];
  let word = '';
  const flushHan = (): void => {
    for (let i = 0; i < han.length; i += 1) {
      tokens.push(han[i]);
      if (i + 1 < han.length) tokens.push(han[i] + han[i + 1]);
    }
    han = [];
  };
  const flushWord = (): void => {
    if (word) tokens.push(word);
    word = '';
  };
  for (const ch of Array.from(text)) {
    if (HAN.test(ch)) {
      flushWord();
      han.push(ch);
    } else if (WORD.test(ch)) {
      flushHan();
      word += ch;
    } else {
      flushHan();
      flushWord();
    }
  }
  flushHan();
  flushWord();
  return tokens;
}

/** @nlpjs tokenizer plug-in; the name is how the container finds it for locale zh. */
export class CharNgramTokenizerZh {
  readonly name = 'tokenizer-zh';
  /** Number of texts tokenised; lets a test prove that @nlpjs really calls us. */
  calls = 0;

  tokenize(text: string): string[] {
    this.calls += 1;
    return tokenizeZh(normalizeText(text));
  }
}

/** Identity stemmer: the stock zh stemmer turns words into pinyin and merges homophones. */
export class IdentityStemmerZh {
  readonly name = 'stemmer-zh';

  stem(tokens: string[]): string[] {
    return tokens;
  }
}

/** Minimal view of the @nlpjs container used to register plug-ins. */
export interface NlpContainer {
  register(name: string, instance: unknown, isSingleton?: boolean): void;
  get(name: string): unknown;
}

/** Registers our zh tokenizer and identity stemmer in an @nlpjs container. */
export function registerZhTokenizer(container: NlpContainer): CharNgramTokenizerZh {
  const tokenizer = new CharNgramTokenizerZh();
  container.register('tokenizer-zh', tokenizer, true);
  container.register('stemmer-zh', new IdentityStemmerZh(), true);
  return tokenizer;
}
