import type { Clock } from '../clock';
import { type Page, pageWindow } from '../common/pagination';
import type { DomainStore, Repositories } from '../db/repositories';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { type Actor } from '../identity/actor';
import type { KbChange } from './kb-change.entity';
import type { KbRepository } from './kb.repository';
import { type ApproveChangeInput, type ListChangesQuery, MIN_API_UTTERANCES, type NewIntentInput } from './kb.schemas';
import type { EffectiveCorpus, KbChangeData, KbChangeKind, KbChangePayload, KbCorpus, KbIntentView } from './kb.types';
import { can, requirePermission } from '../policy';

const REVIEWED_MIN = 40;
const STATUS_ZH = { pending: '待审核', approved: '通过', rejected: '驳回' } as const;

/** Approved changes in the order they were approved (the order they were checked in). */
export async function approvedChanges(kb: Pick<KbRepository, 'approved'>): Promise<KbChangeData[]> {
  const rows = await kb.approved();
  return rows.filter((r) => r.intent !== null).map((r) => ({ id: r.id, intent: r.intent as string, kind: r.kind, payload: r.payload }));
}

/** What every edit, approval and rejection answers. */
export interface KbEditResult {
  change: KbChange;
  /** Version of the effective corpus after the call (what the next training run will use). */
  version: string;
  warnings: string[];
}

/** The knowledge-base overlay: edits by bureau staff (live at once), proposals by engineers, and their review. */
export function makeKbChangeService(deps: { store: DomainStore; clock: Clock; corpus: KbCorpus }) {
  const { store, clock, corpus } = deps;
  const { kb } = store.read;

  async function loadPending(tx: Pick<Repositories, 'kb'>, id: number): Promise<KbChange> {
    const row = await tx.kb.byId(id);
    if (!row) throw new NotFoundError('KB_ITEM_NOT_FOUND', `知识库变更 #${id} 不存在`);
    if (row.status !== 'pending') throw new ConflictError('STATE_NOT_ALLOWED', `知识库变更 #${id} 已${STATUS_ZH[row.status]}，不能再审核`);
    return row;
  }

  /** Admin/operator: approved at once; engineer: pending. Either way the change must leave a valid corpus now. */
  function edit(
    actor: Actor,
    intent: string,
    kind: KbChangeKind,
    payload: KbChangePayload,
    warnings: string[] = [],
  ): Promise<KbEditResult> {
    requirePermission(actor, 'kb.edit');
    return store.transaction(async (tx) => {
      await tx.kb.lock();
      const now = clock.now();
      const approved = await approvedChanges(tx.kb);
      const reviewer = can(actor, 'kb.review');
      const after = corpus.check(approved, { id: 0, intent, kind, payload });
      const change = await tx.kb.insert({
        intent,
        kind,
        payload,
        status: reviewer ? 'approved' : 'pending',
        source: 'api',
        proposedBy: actor.username,
        reviewedBy: reviewer ? actor.username : null,
        reviewedAt: reviewer ? now : null,
        opinion: null,
        ticketId: null,
        seq: reviewer ? await tx.kb.nextSeq() : null,
        createdAt: now,
      });
      await tx.audit.record(actor, now, {
        action: reviewer ? 'kb.change' : 'kb.propose',
        entityType: 'kb_change',
        entityId: change.id,
        after: { intent, kind, payload },
      });
      const version = reviewer ? after.version : corpus.build(approved).version;
      return { change, version, warnings: reviewer ? warnings : ['已提交审核，管理员或业务员批准并重新训练后生效', ...warnings] };
    });
  }

  const effective = async (): Promise<EffectiveCorpus> => corpus.build(await approvedChanges(kb));

  return {
    /** Approved changes for building the live model (boot, retrain). */
    approved: (): Promise<KbChangeData[]> => approvedChanges(kb),

    /** Reviewed files + approved overlay, validated. */
    effective,

    /** One intent of the effective corpus with the proposals still waiting for it. */
    async intent(actor: Actor, name: string): Promise<KbIntentView & { pending: KbChange[] }> {
      requirePermission(actor, 'kb.read');
      const found = (await effective()).intents.find((i) => i.intent === name);
      if (!found) throw new NotFoundError('KB_ITEM_NOT_FOUND', `意图 ${name} 不存在`);
      const pending = await kb.pendingFor(name);
      return { ...found, pending };
    },

    addIntent(actor: Actor, input: NewIntentInput): Promise<KbEditResult> {
      const today = clock.now().toISOString().slice(0, 10);
      const provenance = input.provenance ?? { source: `管理接口录入（${actor.username}）`, effectiveDate: today };
      const warnings =
        input.utterances.length < REVIEWED_MIN
          ? [
              `意图 ${input.intent} 只有 ${input.utterances.length} 条说法（至少 ${MIN_API_UTTERANCES} 条即可保存，评审语料要求 ${REVIEWED_MIN} 条以上），识别效果可能较差，建议继续补充说法`,
            ]
          : [];
      return edit(
        actor,
        input.intent,
        'add-intent',
        { intentKind: input.kind, description: input.description, utterances: input.utterances, answers: input.answers, provenance },
        warnings,
      );
    },
    addUtterances: (actor: Actor, intent: string, utterances: string[]) => edit(actor, intent, 'add-utterance', { utterances }),
    removeUtterances: (actor: Actor, intent: string, utterances: string[]) => edit(actor, intent, 'remove-utterance', { utterances }),
    setAnswers: (actor: Actor, intent: string, answers: string[]) => edit(actor, intent, 'set-answers', { answers }),
    editDescription: (actor: Actor, intent: string, description: string) => edit(actor, intent, 'edit-description', { description }),

    /** GET /kb/changes: newest first. */
    async list(actor: Actor, q: ListChangesQuery): Promise<Page<KbChange>> {
      requirePermission(actor, 'kb.read');
      const [items, total] = await kb.page({ status: q.status, intent: q.intent }, pageWindow(q));
      return { items, total, page: q.page, pageSize: q.pageSize };
    },

    /**
     * Approves a pending change after checking it on top of every approved one; a learning-loop
     * proposal is placed in `intent` and may bring the engineer's reply as the intent's answer.
     */
    approve(actor: Actor, id: number, input: ApproveChangeInput): Promise<KbEditResult> {
      requirePermission(actor, 'kb.review');
      return store.transaction(async (tx) => {
        await tx.kb.lock();
        const row = await loadPending(tx, id);
        const placing = row.kind === 'add-utterance';
        if (!placing && ((input.intent && input.intent !== row.intent) || input.asAnswer !== undefined || input.answer !== undefined)) {
          throw new ValidationError('INVALID_INPUT', '只有“新增说法”的变更可以指定意图或采用回复作为答案', [
            { path: 'intent', message: `该变更类型为 ${row.kind}` },
          ]);
        }
        const intent = input.intent ?? row.intent;
        if (!intent)
          throw new ValidationError('INVALID_INPUT', '请指定要归入的意图（intent）', [
            { path: 'intent', message: '机器人未能判断该问题的意图' },
          ]);
        const answer = input.answer ?? row.payload.answer;
        if (input.asAnswer && !answer)
          throw new ValidationError('INVALID_INPUT', '该变更没有可用作答案的回复，请在 answer 中填写', [
            { path: 'answer', message: '缺少答案' },
          ]);
        const payload: KbChangePayload = placing ? { ...row.payload, answer, asAnswer: input.asAnswer === true } : row.payload;
        const now = clock.now();
        const after = corpus.check(await approvedChanges(tx.kb), { id, intent, kind: row.kind, payload });
        const patch = {
          intent,
          payload,
          status: 'approved' as const,
          reviewedBy: actor.username,
          reviewedAt: now,
          opinion: input.opinion ?? null,
          seq: await tx.kb.nextSeq(),
        };
        await tx.kb.update(id, patch);
        await tx.audit.record(actor, now, {
          action: 'kb.approve',
          entityType: 'kb_change',
          entityId: id,
          before: { intent: row.intent, status: row.status },
          after: { intent, kind: row.kind, payload },
        });
        return { change: Object.assign(row, patch), version: after.version, warnings: [] };
      });
    },

    /** Rejects a pending change; nothing in the corpus moves. */
    reject(actor: Actor, id: number, opinion: string): Promise<KbEditResult> {
      requirePermission(actor, 'kb.review');
      return store.transaction(async (tx) => {
        await tx.kb.lock();
        const row = await loadPending(tx, id);
        const now = clock.now();
        const patch = { status: 'rejected' as const, reviewedBy: actor.username, reviewedAt: now, opinion };
        await tx.kb.update(id, patch);
        await tx.audit.record(actor, now, {
          action: 'kb.reject',
          entityType: 'kb_change',
          entityId: id,
          before: { status: row.status },
          after: { status: 'rejected', opinion },
        });
        return { change: Object.assign(row, patch), version: corpus.build(await approvedChanges(tx.kb)).version, warnings: [] };
      });
    },

    /** The effective corpus as YAML files (unchanged files verbatim), for folding into git. */
    async exportFiles(actor: Actor) {
      requirePermission(actor, 'kb.read');
      const approved = await approvedChanges(kb);
      return { version: corpus.build(approved).version, changeIds: approved.map((c) => c.id), files: corpus.exportFiles(approved) };
    },
  };
}
export type KbChangeService = ReturnType<typeof makeKbChangeService>;
