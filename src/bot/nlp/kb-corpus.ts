import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dump as dumpYaml, load as loadYaml } from 'js-yaml';
import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import type { EffectiveCorpus, KbChangeData, KbCorpus } from '../../domain/kb/kb.types';
import { KnowledgeBaseError, type KbSourceFile, type KnowledgeBase, validateKnowledgeBase } from './kb-loader';
import { applyOverlay, type OverlayProblem, overlayProblems } from './kb-overlay';
import type { KbParseCache } from './kb-parse-cache';

/** A reviewed file as read from disk: parsed data and the original text (kept verbatim on export). */
export interface KbDiskFile extends KbSourceFile {
  text: string;
}

/** Reads every *.yml under dir (recursively); paths are relative to dir. Parse errors throw. */
export function readKbFiles(dir: string, parsed?: KbParseCache): KbDiskFile[] {
  const walk = (d: string): string[] =>
    readdirSync(d)
      .sort()
      .flatMap((name) => {
        const full = join(d, name);
        if (statSync(full).isDirectory()) return walk(full);
        return /\.ya?ml$/i.test(name) ? [full] : [];
      });
  try {
    return walk(dir).map((full) => {
      const text = readFileSync(full, 'utf8');
      return { path: relative(dir, full), data: parsed ? parsed.parse(text, full) : loadYaml(text, { filename: full }), text };
    });
  } finally {
    parsed?.flush();
  }
}

// kb-loader reports in English for maintainers; people editing through the API get Chinese.
const REASONS: Array<[RegExp, (m: RegExpMatchArray) => string, OverlayProblem['status']]> = [
  [/^intent is already defined in (.+)$/, (m) => `意图已在 ${m[1]} 中定义`, 'conflict'],
  [/^kind (\w+) needs at least one answer$/, (m) => `${m[1]} 类意图至少需要一条答案`, 'invalid'],
  [/^utterance "(.*)" is empty after normalisation$/s, (m) => `说法「${m[1]}」去掉标点、空格和表情后为空`, 'invalid'],
  [/^duplicate utterance "(.*)" within the intent$/s, (m) => `说法「${m[1]}」在该意图中重复`, 'conflict'],
  [/^utterance "(.*)" is also an utterance of (.+)$/s, (m) => `说法「${m[1]}」已属于意图 ${m[2]}，同一说法不能属于两个意图`, 'conflict'],
  [
    /^answer (\d+) uses placeholder\(s\) missing from region: (.+)$/,
    (m) =>
      `答案 ${m[1]} 使用了未定义的占位符 ${m[2]
        .split(', ')
        .map((k) => `{{${k}}}`)
        .join('、')}（可用的占位符见 region.yml）`,
    'invalid',
  ],
  [
    /^answer (\d+) is (\d+) bytes after substitution \(limit (\d+)\)$/,
    (m) => `答案 ${m[1]} 替换占位符后为 ${m[2]} 字节，超过企业微信单条消息上限 ${m[3]} 字节`,
    'invalid',
  ],
];

function refuse(problems: Array<OverlayProblem & { intent?: string; file?: string }>, lead: string): never {
  const text = problems.map((p) => (p.intent ? `[${p.intent}] ${p.message}` : p.message)).join('；');
  const details = problems.map((p) => ({ intent: p.intent ?? null, file: p.file ?? null, message: p.message }));
  if (problems.some((p) => p.status === 'not-found') && problems.every((p) => p.status !== 'conflict'))
    throw new NotFoundError('KB_ITEM_NOT_FOUND', `${lead}：${text}`, details);
  if (problems.some((p) => p.status === 'conflict')) throw new ConflictError('DUPLICATE', `${lead}：${text}`, details);
  throw new ValidationError('INVALID_INPUT', `${lead}：${text}`, details);
}

function validate(files: KbSourceFile[], lead: string): KnowledgeBase {
  try {
    return validateKnowledgeBase(files);
  } catch (err) {
    if (!(err instanceof KnowledgeBaseError)) throw err;
    refuse(
      err.problems.map((p) => {
        const rule = REASONS.map(([re, say, status]) => ({ m: p.reason.match(re), say, status })).find((r) => r.m);
        return {
          intent: p.intent,
          file: p.file,
          status: rule?.status ?? 'invalid',
          message: rule ? rule.say(rule.m!) : `格式错误（${p.reason}）`,
        };
      }),
      lead,
    );
  }
}

const view = (kb: KnowledgeBase): EffectiveCorpus => ({ version: kb.version, intents: kb.intents, warnings: kb.warnings });

/**
 * The knowledge base of the bot: reviewed files in dir (read afresh on each call) + the approved overlay.
 * With `parsed`, unchanged files are not parsed again (kb-parse-cache.ts).
 */
export function makeKbCorpus(deps: {
  dir: string;
  parsed?: KbParseCache;
}): KbCorpus & { knowledgeBase(approved: KbChangeData[]): KnowledgeBase } {
  const read = (): KbDiskFile[] => {
    const files = readKbFiles(deps.dir, deps.parsed);
    if (files.length === 0) throw new ValidationError('INVALID_INPUT', `知识库目录 ${deps.dir} 中没有 *.yml 文件`);
    return files;
  };
  const knowledgeBase = (approved: KbChangeData[]): KnowledgeBase => validate(applyOverlay(read(), approved).files, '知识库无效');
  return {
    knowledgeBase,
    build: (approved) => view(knowledgeBase(approved)),
    check(approved, candidate) {
      const base = applyOverlay(read(), approved).files;
      const problems = overlayProblems(base, candidate);
      if (problems.length > 0)
        refuse(
          problems.map((p) => ({ ...p, intent: candidate.intent })),
          '知识库变更被拒绝',
        );
      return view(validate(applyOverlay(base, [candidate]).files, '知识库变更被拒绝，应用后知识库将无效'));
    },
    exportFiles(approved) {
      const source = read();
      const kb = knowledgeBase(approved);
      return applyOverlay(source, approved).files.map((f) => {
        const original = source.find((s) => s.path === f.path);
        const changed = !original || JSON.stringify(original.data) !== JSON.stringify(f.data);
        const head = `# 由 GET /api/v1/kb/export 导出（知识库版本 ${kb.version}）：含经审核的在线变更，请评审后提交到 git。\n`;
        return { path: f.path, changed, content: changed ? head + dumpYaml(f.data, { lineWidth: -1, noRefs: true }) : original.text };
      });
    },
  };
}
