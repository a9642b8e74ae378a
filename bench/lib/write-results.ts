import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { relative } from 'node:path';
import { repoRoot } from './repo-root';

// Documents quote figures only inside blocks their measuring script rewrites:
//   <!-- tag:begin name -->  …generated…  <!-- tag:end name -->
// Everything outside the markers is hand-written and left as it is.
const marker = (tag: string, edge: 'begin' | 'end', name: string): string => `<!-- ${tag}:${edge} ${name} -->`;

/** Names of the `tag` blocks in a document, in order. */
export function listBlocks(text: string, tag: string): string[] {
  const re = new RegExp(`<!-- ${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:begin ([\\w.-]+) -->`, 'g');
  return Array.from(text.matchAll(re), (m) => m[1]);
}

/** The text between a block's markers (trimmed); throws when the block is missing or repeated. */
export function readBlock(text: string, tag: string, name: string): string {
  const [begin, end] = locate(text, tag, name);
  return text.slice(begin, end).trim();
}

/** Replaces the content of one block; throws when its markers are missing, repeated or out of order. */
export function replaceBlock(text: string, tag: string, name: string, content: string): string {
  const [begin, end] = locate(text, tag, name);
  // Blank lines around the content: a Markdown table or code block right after a comment line renders as text.
  return `${text.slice(0, begin)}\n\n${content.trim()}\n\n${text.slice(end)}`;
}

function locate(text: string, tag: string, name: string): [number, number] {
  const open = marker(tag, 'begin', name);
  const close = marker(tag, 'end', name);
  const begin = text.indexOf(open);
  const end = text.indexOf(close);
  if (begin < 0 || end < 0) throw new Error(`block "${open}" … "${close}" not found`);
  if (text.indexOf(open, begin + 1) >= 0 || text.indexOf(close, end + 1) >= 0) throw new Error(`block ${tag}/${name} appears twice`);
  if (end < begin) throw new Error(`block ${tag}/${name}: end marker before begin marker`);
  return [begin + open.length, end];
}

/** The generated blocks of one document; checked when created, so a long run cannot fail only at the end. */
export interface ResultsDocument {
  readonly file: string;
  /** Rewrites the given blocks in one write (temp file + rename); a no-op when writing is disabled. */
  write(blocks: Record<string, string>): void;
}

/** Opens file (relative to the repository root) for rewriting the `tag` blocks named in names. */
export function resultsDocument(opts: { file: string; tag: string; names: string[]; enabled?: boolean }): ResultsDocument {
  const path = `${repoRoot()}/${opts.file}`;
  const enabled = opts.enabled ?? true;
  if (enabled) {
    const text = readFileSync(path, 'utf8');
    for (const name of opts.names) locate(text, opts.tag, name);
  }
  return {
    file: opts.file,
    write(blocks) {
      if (!enabled) return;
      let text = readFileSync(path, 'utf8');
      for (const [name, content] of Object.entries(blocks)) text = replaceBlock(text, opts.tag, name, content);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, path);
      process.stderr.write(`wrote ${Object.keys(blocks).join(', ')} in ${opts.file}\n`);
    },
  };
}

/** How this run was started, as a reader would retype it: `npm run bench:ledger -- --units 20`. */
export function commandLine(argv: string[] = process.argv): string {
  // The line lands in a committed document: `--db postgres://user:secret@host/db` must not carry the password.
  const args = argv
    .slice(2)
    .map((a) => a.replace(/(\/\/[^/:@\s]+):[^@\s]*@/g, '$1:***@'))
    .join(' ');
  // npm exports the script name to the processes it starts (`npm run x` → npm_lifecycle_event=x).
  const script = process.env.npm_lifecycle_event;
  if (script) return `npm run ${script}${args ? ` -- ${args}` : ''}`;
  return `node ${relative(repoRoot(), argv[1] ?? '')}${args ? ` ${args}` : ''}`;
}

/** When, with what and on what a run was made: command, UTC date, Node, cores and load average. */
export function runLine(at: Date = new Date()): string {
  const cpu = cpus();
  const model = cpu[0]?.model.replace(/\s+/g, ' ').trim();
  return (
    `\`${commandLine()}\` — ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ` +
    `${cpu.length} cores${model ? ` (${model})` : ''}, load average ${loadavg()[0].toFixed(1)}`
  );
}

/** A benchmark's result block: the run line, then the figures exactly as printed (an indented code block). */
export function printedBlock(lines: string[], at?: Date): string {
  return `${runLine(at)}:\n\n${lines.map((l) => `    ${l}`.trimEnd()).join('\n')}`;
}
