import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine, listBlocks, readBlock, replaceBlock } from '../../bench/lib/write-results';

const doc = ['# Title', 'prose 1.5 %', '<!-- bench:begin a -->', 'old', '<!-- bench:end a -->', 'more prose', ''].join('\n');

describe('generated blocks in documents (bench/lib/write-results)', () => {
  it('when a block is replaced, then only the text between its markers changes', () => {
    const out = replaceBlock(doc, 'bench', 'a', '| new | table |\n');
    expect(out).toBe(
      ['# Title', 'prose 1.5 %', '<!-- bench:begin a -->', '', '| new | table |', '', '<!-- bench:end a -->', 'more prose', ''].join('\n'),
    );
    expect(readBlock(out, 'bench', 'a')).toBe('| new | table |');
    expect(replaceBlock(out, 'bench', 'a', '| new | table |')).toBe(out);
  });

  it('when a marker is missing, repeated or out of order, then replacing throws instead of writing somewhere else', () => {
    expect(() => replaceBlock(doc, 'bench', 'b', 'x')).toThrow(/not found/);
    expect(() => replaceBlock(doc, 'other', 'a', 'x')).toThrow(/not found/);
    expect(() => replaceBlock(doc + doc, 'bench', 'a', 'x')).toThrow(/twice/);
    expect(() => replaceBlock('<!-- bench:end a -->\n<!-- bench:begin a -->', 'bench', 'a', 'x')).toThrow(/before/);
  });

  it('when blocks are listed, then their names come in document order, per tag', () => {
    const two = `${doc}<!-- nlp-eval:begin run -->\n<!-- nlp-eval:end run -->\n<!-- bench:begin b -->\n<!-- bench:end b -->\n`;
    expect(listBlocks(two, 'bench')).toEqual(['a', 'b']);
    expect(listBlocks(two, 'nlp-eval')).toEqual(['run']);
  });

  it('when run through npm, then the command line reads as the npm script with its arguments, passwords masked', () => {
    const saved = process.env.npm_lifecycle_event;
    try {
      process.env.npm_lifecycle_event = 'bench:ledger';
      expect(commandLine(['node', 'dist/bench/ledger.bench.js', '--units', '20'])).toBe('npm run bench:ledger -- --units 20');
      expect(commandLine(['node', 'dist/bench/ledger.bench.js'])).toBe('npm run bench:ledger');
      expect(commandLine(['node', 'x.js', '--db', 'postgres://bench:s3cret@127.0.0.1:5432/benchdb'])).toBe(
        'npm run bench:ledger -- --db postgres://bench:***@127.0.0.1:5432/benchdb',
      );
    } finally {
      if (saved === undefined) delete process.env.npm_lifecycle_event;
      else process.env.npm_lifecycle_event = saved;
    }
  });

  it('when bench/README.md is read, then it has the result blocks bench:ledger and bench:bot rewrite', () => {
    const readme = readFileSync(join(__dirname, '../../bench/README.md'), 'utf8');
    expect(listBlocks(readme, 'bench-ledger')).toEqual(['results', 'concurrency']);
    expect(listBlocks(readme, 'bench-bot')).toEqual(['results']);
  });
});
