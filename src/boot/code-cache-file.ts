import { crc32 } from 'node:zlib';

/**
 * The code cache's file layout: V8's compiled code for each module, with the hash of the source it was
 * compiled from. V8 itself checks only the source's length before it uses cached code, so the hash is
 * what keeps an edited file of the same length from running its old code.
 *
 *   "FBCODE01" | header length (uint32 LE) | header (UTF-8 JSON) | the entries' data, one after another
 *
 * The header is `{ runtime, crc32, entries: [{ file, sourceHash, length }] }`: `runtime` names the Node,
 * V8 and CPU the code was made by (another one's code is never offered to V8), and `crc32` covers the data
 * (V8 does not checksum cached code in release builds; a torn or damaged file must not reach it).
 */

export interface CodeCacheEntry {
  /** Absolute path of the module. */
  file: string;
  /** sha256 (base64) of the module's source as Node read it. */
  sourceHash: string;
  /** V8's cached data for the module's wrapper function. */
  data: Buffer;
}

const MAGIC = Buffer.from('FBCODE01', 'latin1');
const PREFIX = MAGIC.length + 4;

/** The runtime whose code a cache holds: Node's version, its V8 and the CPU architecture. */
export const thisRuntime = `node ${process.version} v8 ${process.versions.v8} ${process.arch}`;

/** The entries as one file. */
export function packCodeCache(entries: readonly CodeCacheEntry[], runtime = thisRuntime): Buffer {
  const data = Buffer.concat(entries.map((e) => e.data));
  const header = Buffer.from(
    JSON.stringify({
      runtime,
      crc32: crc32(data),
      entries: entries.map((e) => ({ file: e.file, sourceHash: e.sourceHash, length: e.data.length })),
    }),
    'utf8',
  );
  const file = Buffer.alloc(PREFIX + header.length + data.length);
  MAGIC.copy(file, 0);
  file.writeUInt32LE(header.length, MAGIC.length);
  header.copy(file, PREFIX);
  data.copy(file, PREFIX + header.length);
  return file;
}

interface Header {
  runtime: string;
  crc32: number;
  entries: Array<{ file: string; sourceHash: string; length: number }>;
}

function isHeader(value: unknown): value is Header {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Partial<Header>;
  return (
    typeof h.runtime === 'string' &&
    Number.isSafeInteger(h.crc32) &&
    Array.isArray(h.entries) &&
    h.entries.every(
      (e: unknown) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as Header['entries'][number]).file === 'string' &&
        typeof (e as Header['entries'][number]).sourceHash === 'string' &&
        Number.isSafeInteger((e as Header['entries'][number]).length) &&
        (e as Header['entries'][number]).length > 0,
    )
  );
}

/**
 * The entries of a file packCodeCache wrote, by module path; the data are views of `file`. Throws on
 * anything else: another layout, another runtime's code, a cut or damaged file.
 */
export function unpackCodeCache(file: Buffer, runtime = thisRuntime): Map<string, CodeCacheEntry> {
  if (file.length < PREFIX || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a code cache file');
  const headerEnd = PREFIX + file.readUInt32LE(MAGIC.length);
  if (headerEnd > file.length) throw new Error('code cache header cut short');
  const header: unknown = JSON.parse(file.toString('utf8', PREFIX, headerEnd));
  if (!isHeader(header)) throw new Error('code cache header malformed');
  if (header.runtime !== runtime) throw new Error(`code cache made by another runtime (${header.runtime})`);
  const size = header.entries.reduce((n, e) => n + e.length, 0);
  if (headerEnd + size !== file.length) throw new Error('code cache data cut short or overlong');
  const data = file.subarray(headerEnd);
  if (crc32(data) !== header.crc32) throw new Error('code cache data damaged (checksum)');
  const entries = new Map<string, CodeCacheEntry>();
  let offset = 0;
  for (const e of header.entries) {
    entries.set(e.file, { file: e.file, sourceHash: e.sourceHash, data: data.subarray(offset, offset + e.length) });
    offset += e.length;
  }
  return entries;
}
