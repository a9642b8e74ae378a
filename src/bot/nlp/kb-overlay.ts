import { dirname, join } from 'node:path';
import type { KbChangeData } from '../../domain/kb/kb.types';
import type { KbSourceFile } from './kb-loader';
import { normalizeText } from './normalize';

interface RawIntent {
  intent: string;
  kind: string;
  description: string;
  utterances: string[];
  answers: string[];
  provenance?: unknown;
}
interface Located {
  file: KbSourceFile;
  intent: RawIntent;
}

/** Why a change cannot be applied as asked; the corpus maps it to 404/409/400. */
export interface OverlayProblem {
  status: 'not-found' | 'conflict' | 'invalid';
  message: string;
}

/** Where intents added through the API go when no reviewed file shares their area. */
export const ADDED_AREA = 'added';

const intentsOf = (f: KbSourceFile): RawIntent[] | undefined => {
  const list = (f.data as { intents?: unknown } | null)?.intents;
  return Array.isArray(list) ? (list as RawIntent[]) : undefined;
};

function index(files: KbSourceFile[]): Map<string, Located> {
  const map = new Map<string, Located>();
  for (const file of files)
    for (const intent of intentsOf(file) ?? []) if (!map.has(intent.intent)) map.set(intent.intent, { file, intent });
  return map;
}

function owners(files: KbSourceFile[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const file of files) for (const i of intentsOf(file) ?? []) for (const u of i.utterances ?? []) map.set(normalizeText(u), i.intent);
  return map;
}

// The reviewed file sharing the longest dotted prefix (at least two segments: "faq." alone says nothing).
function homeFor(files: KbSourceFile[], name: string): KbSourceFile {
  const parts = name.split('.');
  let best: { file: KbSourceFile; shared: number } | undefined;
  for (const { file, intent } of index(files).values()) {
    const other = intent.intent.split('.');
    let shared = 0;
    while (shared < parts.length && parts[shared] === other[shared]) shared++;
    if (shared >= 2 && (!best || shared > best.shared)) best = { file, shared };
  }
  if (best) return best.file;
  const anyArea = files.find((f) => intentsOf(f));
  const path = join(anyArea ? dirname(anyArea.path) : '.', `${ADDED_AREA}.yml`);
  let added = files.find((f) => f.path === path);
  if (!added) files.push((added = { path, data: { area: ADDED_AREA, intents: [] } }));
  return added;
}

/**
 * Applies approved changes on top of the reviewed files (pure: returns copies). Replays leniently:
 * what the files already contain (a change folded back into git) or now contradict is skipped, so
 * the reviewed files always win and an old approval can never stop the bot from starting.
 */
export function applyOverlay(source: KbSourceFile[], changes: KbChangeData[]): { files: KbSourceFile[]; skipped: number[] } {
  const files: KbSourceFile[] = source.map((f) => ({ path: f.path, data: structuredClone(f.data) }));
  const skipped: number[] = [];
  for (const c of changes) {
    const p = c.payload;
    const found = index(files).get(c.intent);
    if (c.kind === 'add-intent') {
      if (found) {
        skipped.push(c.id);
        continue;
      }
      const taken = owners(files);
      const utterances = (p.utterances ?? []).filter((u) => !taken.has(normalizeText(u)));
      intentsOf(homeFor(files, c.intent))!.push({
        intent: c.intent,
        kind: p.intentKind ?? 'faq',
        description: p.description ?? c.intent,
        utterances,
        answers: p.answers ?? [],
        provenance: p.provenance,
      });
      continue;
    }
    if (!found) {
      skipped.push(c.id);
      continue;
    }
    const target = found.intent;
    if (c.kind === 'add-utterance') {
      const taken = owners(files);
      for (const u of p.utterances ?? []) {
        const key = normalizeText(u);
        if (taken.has(key)) continue;
        target.utterances.push(u);
        taken.set(key, target.intent);
      }
      if (p.asAnswer && p.answer) target.answers = [p.answer, ...target.answers.filter((a) => a !== p.answer)];
    } else if (c.kind === 'remove-utterance') {
      const drop = new Set((p.utterances ?? []).map((u) => normalizeText(u)));
      target.utterances = target.utterances.filter((u) => !drop.has(normalizeText(u)));
    } else if (c.kind === 'set-answers') {
      target.answers = [...(p.answers ?? [])];
    } else if (c.kind === 'edit-description') {
      target.description = p.description ?? target.description;
    }
  }
  return { files, skipped };
}

/** Strict checks of one new change against the current effective files, with Chinese reasons. */
export function overlayProblems(files: KbSourceFile[], c: KbChangeData): OverlayProblem[] {
  const found = index(files).get(c.intent)?.intent;
  if (c.kind === 'add-intent') {
    if (found) return [{ status: 'conflict', message: `意图 ${c.intent} 已存在` }];
  } else if (!found) {
    return [{ status: 'not-found', message: `意图 ${c.intent} 不存在` }];
  }
  const problems: OverlayProblem[] = [];
  const p = c.payload;
  if (c.kind === 'add-utterance' || c.kind === 'add-intent') {
    const taken = owners(files);
    const mine = new Set<string>();
    for (const u of p.utterances ?? []) {
      const key = normalizeText(u);
      const owner = taken.get(key);
      if (!key) problems.push({ status: 'invalid', message: `说法「${u}」去掉标点、空格和表情后为空` });
      else if (mine.has(key)) problems.push({ status: 'conflict', message: `说法「${u}」在本次提交中重复` });
      else if (owner === c.intent) problems.push({ status: 'conflict', message: `说法「${u}」已在意图 ${c.intent} 中` });
      else if (owner) problems.push({ status: 'conflict', message: `说法「${u}」已属于意图 ${owner}，同一说法不能属于两个意图` });
      mine.add(key);
    }
  }
  if (c.kind === 'remove-utterance' && found) {
    const have = new Set(found.utterances.map((u) => normalizeText(u)));
    for (const u of p.utterances ?? [])
      if (!have.has(normalizeText(u))) problems.push({ status: 'not-found', message: `意图 ${c.intent} 中没有说法「${u}」` });
  }
  const setsAnswer = c.kind === 'set-answers' || (c.kind === 'add-utterance' && p.asAnswer);
  if (setsAnswer && found?.kind === 'negative') problems.push({ status: 'invalid', message: `意图 ${c.intent} 是范围外类别，不使用答案` });
  return problems;
}
