import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import { load as loadYaml } from 'js-yaml';

/**
 * The knowledge base's YAML, parsed, kept by the sha256 of each file's text in one JSON file beside the
 * model cache. js-yaml took ~45 ms of a start for 116 KB of YAML; the same data as JSON parses in ~1 ms.
 * Only the parse is kept: validation runs on every read, so a stricter release still refuses an old file.
 */
export interface KbParseCache {
  /** The parsed YAML of text (from the cache when the text is unchanged); throws what js-yaml throws. */
  parse(text: string, filename: string): unknown;
  /** Writes the cache when this read parsed something new, keeping only the texts this read met. */
  flush(): void;
}

const FORMAT = 'kb-yaml-v1';

/** Only plain JSON survives a round trip unchanged; YAML's .nan and .inf, or a custom tag's object, would not. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainJson);
}

function readEntries(file: string): Map<string, unknown> {
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; entries?: unknown };
    if (stored.format === FORMAT && typeof stored.entries === 'object' && stored.entries !== null) {
      return new Map(Object.entries(stored.entries));
    }
  } catch {
    // Absent or unreadable: every file is parsed, and the next flush writes a sound cache.
  }
  return new Map();
}

/** A cache in `file`, read once when created. */
export function makeKbParseCache(file: string): KbParseCache {
  let known = readEntries(file);
  const met = new Map<string, unknown>();
  let parsedNew = false;
  return {
    parse(text, filename) {
      const key = createHash('sha256').update(text).digest('hex');
      if (known.has(key)) {
        const data = known.get(key);
        met.set(key, data);
        // Each read hands out its own copy: callers (the overlay) may change what they get.
        return structuredClone(data);
      }
      const data = loadYaml(text, { filename });
      if (isPlainJson(data)) {
        met.set(key, structuredClone(data));
        parsedNew = true;
      }
      return data;
    },
    flush() {
      const dropped = [...known.keys()].some((k) => !met.has(k));
      if (parsedNew || dropped) {
        try {
          mkdirSync(dirname(file), { recursive: true });
          // Write then rename: a crash mid-write leaves the old cache, never half a file.
          const tmp = `${file}.${process.pid}-${threadId}.tmp`;
          writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(met) }));
          renameSync(tmp, file);
        } catch {
          // Only a saving is lost (a read-only directory, a full disk): the next read parses again.
        }
      }
      known = new Map(met);
      met.clear();
      parsedNew = false;
    },
  };
}
