import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { ValidationError } from '../../domain/errors';
import { REGION_KEY_NAMES } from '../../domain/settings/region-settings';
import { kbAreaFileSchema, kbRegionFileSchema, type KbIntent } from './kb.schemas';
import { normalizeText } from './normalize';

/** WeCom rejects text messages above 2048 bytes (UTF-8). */
export const MAX_ANSWER_BYTES = 2048;
/** Below this many utterances an intent is known to classify poorly (bot.md); a warning, not an error. */
export const MIN_UTTERANCES = 40;
// Answers may name {{ticket.*}} values; the dialog fills them when a ticket exists.
const RUNTIME_PREFIX = 'ticket.';
const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;
const KINDS_NEEDING_ANSWERS = new Set(['faq', 'conversation', 'fault']);

/** A knowledge-base file before validation: from disk or from the admin DB. */
export interface KbSourceFile {
  path: string;
  data: unknown;
}

/** The validated corpus the classifier trains on and the dialog answers from. */
export interface KnowledgeBase {
  intents: KbIntent[];
  region: Record<string, string | number>;
  /** sha256 of the normalised corpus, 12 hex chars; keys the model cache and every stored exchange. */
  version: string;
  warnings: string[];
}

/** One reason a knowledge base was refused. */
export interface KbProblem {
  file: string;
  intent?: string;
  reason: string;
}

/** Thrown when the corpus is invalid; the message lists every problem with file and intent. */
export class KnowledgeBaseError extends ValidationError {
  constructor(readonly problems: KbProblem[]) {
    super(
      'INVALID_INPUT',
      `Invalid knowledge base (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.file}${p.intent ? ` [${p.intent}]` : ''}: ${p.reason}`).join('\n'),
      problems,
    );
  }
}

/** Fills {{key}} from values; unknown keys (e.g. ticket.no before a ticket exists) stay for the caller. */
export function renderAnswer(template: string, values: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole,
  );
}

/** Placeholder keys used by a template, in order of appearance. */
export function placeholdersOf(template: string): string[] {
  return Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]);
}

function isRegionFile(path: string): boolean {
  return /^region\.(ya?ml|json)$/i.test(basename(path));
}

function zodProblems(file: string, error: { issues: { path: PropertyKey[]; message: string }[] }, data: unknown): KbProblem[] {
  return error.issues.map((issue) => {
    const [, index] = issue.path;
    const intents = (data as { intents?: { intent?: unknown }[] } | null)?.intents;
    const named = typeof index === 'number' && Array.isArray(intents) ? intents[index]?.intent : undefined;
    return {
      file,
      intent: typeof named === 'string' ? named : undefined,
      reason: `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    };
  });
}

/** Validates an in-memory corpus (files from disk or intents from the DB) and computes its version. */
export function validateKnowledgeBase(files: KbSourceFile[]): KnowledgeBase {
  const problems: KbProblem[] = [];
  const warnings: string[] = [];
  const region: Record<string, string | number> = {};
  const located: { file: string; intent: KbIntent }[] = [];

  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    if (isRegionFile(f.path)) {
      const parsed = kbRegionFileSchema.safeParse(f.data);
      if (!parsed.success) problems.push(...zodProblems(f.path, parsed.error, f.data));
      else Object.assign(region, parsed.data.values);
      continue;
    }
    const parsed = kbAreaFileSchema.safeParse(f.data);
    if (!parsed.success) problems.push(...zodProblems(f.path, parsed.error, f.data));
    else for (const intent of parsed.data.intents) located.push({ file: f.path, intent });
  }

  const intentFile = new Map<string, string>();
  const utteranceOwner = new Map<string, string>();
  // Normalised once here and reused by the version: 5,000 utterances, normalised twice, were a
  // noticeable part of a start.
  const keys = new Map<KbIntent, string[]>();
  for (const { file, intent } of located) {
    const at = { file, intent: intent.intent };
    const firstFile = intentFile.get(intent.intent);
    if (firstFile) problems.push({ ...at, reason: `intent is already defined in ${firstFile}` });
    intentFile.set(intent.intent, file);

    if (KINDS_NEEDING_ANSWERS.has(intent.kind) && intent.answers.length === 0) {
      problems.push({ ...at, reason: `kind ${intent.kind} needs at least one answer` });
    }
    if (intent.kind !== 'negative' && intent.utterances.length < MIN_UTTERANCES) {
      warnings.push(`${file} [${intent.intent}]: only ${intent.utterances.length} utterances (aim for ≥ ${MIN_UTTERANCES})`);
    }
    const intentKeys: string[] = [];
    keys.set(intent, intentKeys);
    for (const u of intent.utterances) {
      const key = normalizeText(u);
      intentKeys.push(key);
      if (!key) {
        problems.push({ ...at, reason: `utterance "${u}" is empty after normalisation` });
        continue;
      }
      const owner = utteranceOwner.get(key);
      if (owner === intent.intent) problems.push({ ...at, reason: `duplicate utterance "${u}" within the intent` });
      else if (owner) problems.push({ ...at, reason: `utterance "${u}" is also an utterance of ${owner}` });
      else utteranceOwner.set(key, intent.intent);
    }
    intent.answers.forEach((answer, i) => {
      // Region settings (stored through the admin API) are known even while unset.
      const missing = placeholdersOf(answer).filter(
        (k) => !k.startsWith(RUNTIME_PREFIX) && !Object.prototype.hasOwnProperty.call(region, k) && !REGION_KEY_NAMES.includes(k),
      );
      if (missing.length > 0) {
        problems.push({ ...at, reason: `answer ${i + 1} uses placeholder(s) missing from region: ${missing.join(', ')}` });
      }
      const bytes = Buffer.byteLength(renderAnswer(answer, region), 'utf8');
      if (bytes > MAX_ANSWER_BYTES) {
        problems.push({ ...at, reason: `answer ${i + 1} is ${bytes} bytes after substitution (limit ${MAX_ANSWER_BYTES})` });
      }
    });
  }
  if (problems.length > 0) throw new KnowledgeBaseError(problems);

  const intents = located.map((l) => l.intent).sort((a, b) => a.intent.localeCompare(b.intent));
  return { intents, region, version: corpusVersion(intents, region, (i) => keys.get(i)!), warnings };
}

/**
 * Hash over content only: file layout, key order, comments and YAML style do not change it.
 * `normalized` gives an intent's utterances normalised (validation has them already).
 */
function corpusVersion(intents: KbIntent[], region: Record<string, string | number>, normalized: (intent: KbIntent) => string[]): string {
  const canonical = {
    intents: [...intents]
      .sort((a, b) => a.intent.localeCompare(b.intent))
      .map((i) => ({
        intent: i.intent,
        kind: i.kind,
        utterances: [...normalized(i)].sort(),
        answers: i.answers.map((a) => a.normalize('NFC').trim()),
      })),
    region: Object.keys(region)
      .sort()
      .map((k) => [k, region[k]]),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex').slice(0, 12);
}

function listYaml(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return listYaml(full);
      return /\.ya?ml$/i.test(name) ? [full] : [];
    });
}

/** Reads every *.yml under dir (recursively) and validates it; throws KnowledgeBaseError on any problem. */
export function loadKnowledgeBase(dir: string): KnowledgeBase {
  const problems: KbProblem[] = [];
  const files: KbSourceFile[] = [];
  for (const full of listYaml(dir)) {
    const path = relative(dir, full) || basename(full);
    try {
      files.push({ path, data: loadYaml(readFileSync(full, 'utf8'), { filename: full }) });
    } catch (err) {
      problems.push({ file: path, reason: `YAML does not parse: ${(err as Error).message.split('\n')[0]}` });
    }
  }
  if (files.length === 0 && problems.length === 0) problems.push({ file: dir, reason: 'no *.yml files found' });
  if (problems.length > 0) throw new KnowledgeBaseError(problems);
  return validateKnowledgeBase(files);
}
