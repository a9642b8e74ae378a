/**
 * The model cache's file layout. The model is JSON, except its long arrays of numbers (the network's
 * weights: 44 intents × 8,911 features and a bias on the bureau's corpus), which follow the JSON as raw
 * float64. Parsing those 392,000 numbers from 5 MB of decimal text was half of what a cached start
 * spent on the model; float64 holds every number exactly as trained (as JSON's shortest decimal form
 * did), so a restored model scores exactly as the one that was written.
 *
 *   "FBNLPM01" | header length (uint32 LE) | header (UTF-8 JSON) | zero padding to 8 | float64 LE values
 *
 * The header is `{ lists, model }`: the model with each moved array as null, and `lists` naming each one's
 * path in the model and length, in the order of the values.
 */

const MAGIC = Buffer.from('FBNLPM01', 'latin1');
const PREFIX = MAGIC.length + 4;
/** Shorter arrays (a handful of settings, an intent's few numbers) stay in the JSON. */
const MIN_MOVED = 1024;

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function isNumberList(value: unknown): value is ArrayLike<number> {
  if (ArrayBuffer.isView(value))
    return !(value instanceof DataView) && !(value instanceof BigInt64Array || value instanceof BigUint64Array);
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

type Path = Array<string | number>;

/** Where the long number arrays are in the model, in the order their values are stored. */
function numberLists(value: unknown, path: Path, found: Array<{ path: Path; list: ArrayLike<number> }>): void {
  if (isNumberList(value)) {
    if (value.length >= MIN_MOVED) found.push({ path, list: value });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) value.forEach((v, i) => numberLists(v, [...path, i], found));
  else for (const [k, v] of Object.entries(value)) numberLists(v, [...path, k], found);
}

/** The model as one file: JSON header, then its long number arrays as float64. */
export function packModel(model: object): Buffer {
  const found: Array<{ path: Path; list: ArrayLike<number> }> = [];
  numberLists(model, [], found);
  const moved = new Set<unknown>(found.map((f) => f.list));
  // The header names each moved array by its path, so a start puts them back without walking the model.
  const lists = found.map((f) => ({ path: f.path, length: f.list.length }));
  const header = JSON.stringify({ lists, model }, (_key, value: unknown) => (moved.has(value) ? null : value));
  const count = lists.reduce((n, l) => n + l.length, 0);
  const head = Buffer.from(header, 'utf8');
  const start = align8(PREFIX + head.length);
  const file = Buffer.alloc(start + count * 8);
  MAGIC.copy(file, 0);
  file.writeUInt32LE(head.length, MAGIC.length);
  head.copy(file, PREFIX);
  let offset = start;
  for (const { list } of found) {
    for (let i = 0; i < list.length; i++, offset += 8) file.writeDoubleLE(list[i], offset);
  }
  return file;
}

// A path names the model's own properties only: a file written by anyone else must not reach a prototype.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const isPath = (p: unknown): p is Path =>
  Array.isArray(p) &&
  p.length > 0 &&
  p.every((k) => (typeof k === 'string' && !FORBIDDEN_KEYS.has(k)) || (Number.isSafeInteger(k) && (k as number) >= 0));

/** The object holding the array `path` names: every step an own property, the last one the null packModel left. */
function holderOf(model: unknown, path: Path): Record<string | number, unknown> | null {
  let node = model;
  for (const key of path.slice(0, -1)) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return null;
    node = (node as Record<string | number, unknown>)[key];
  }
  const last = path[path.length - 1];
  if (typeof node !== 'object' || node === null || !Object.hasOwn(node, last)) return null;
  const holder = node as Record<string | number, unknown>;
  return holder[last] === null ? holder : null;
}

/** Reads what packModel wrote; throws on anything else (wrong magic, truncated, a path or length that does not fit). */
export function unpackModel(file: Buffer): unknown {
  if (file.length < PREFIX || !file.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a model file');
  const headEnd = PREFIX + file.readUInt32LE(MAGIC.length);
  const start = align8(headEnd);
  if (start > file.length || (file.length - start) % 8 !== 0) throw new Error('model file is truncated');
  const { lists, model } = JSON.parse(file.toString('utf8', PREFIX, headEnd)) as { lists: unknown; model: unknown };
  if (!Array.isArray(lists)) throw new Error('model file has no list of arrays');
  const values = new DataView(file.buffer, file.byteOffset + start, file.length - start);
  let at = 0;
  for (const entry of lists as Array<{ path?: unknown; length?: unknown }>) {
    const { path, length } = entry ?? {};
    if (!isPath(path)) throw new Error('model file names an array where the model has none');
    if (!Number.isSafeInteger(length) || (length as number) < 0 || (at + (length as number)) * 8 > values.byteLength) {
      throw new Error('model file refers past its values');
    }
    const list = new Array<number>(length as number);
    for (let i = 0; i < list.length; i++, at++) list[i] = values.getFloat64(at * 8, true);
    const holder = holderOf(model, path);
    if (!holder) throw new Error('model file names an array where the model has none');
    holder[path[path.length - 1]] = list;
  }
  if (at * 8 !== values.byteLength) throw new Error('model file has values no array names');
  return model;
}
