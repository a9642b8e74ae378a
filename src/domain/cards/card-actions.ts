import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import type { ApplicationService } from '../documents/application.service';
import type { IssuanceService } from '../documents/issuance.service';
import { DOC_NAMES } from '../documents/lifecycle';
import type { LineDocumentWorkflow } from '../documents/line-documents/workflow';
import type { CreateWriteoffInput } from '../documents/line-documents.schemas';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Actor } from '../identity/actor';
import type { CreateApplicationInput } from '../ledger/ledger.schemas';
import type { DocType } from '../ledger/ledger.types';
import type { BotCard } from './card.entity';
import { settleCardIn } from './card.service';
import { REVIEWED, runText, type ReviewedType } from './review-cards';
import { readApplicationCheck } from '../documents/application-checks';

/** What a pressed button did: the sentence for the presser and the card's new state. */
export interface CardOutcome {
  reply: string;
  outcome: string;
  docNo?: string;
  documentId?: number;
}

const SETTLED = () => new ConflictError('STATE_NOT_ALLOWED', '该事项已由他人处理或已提交，无需重复操作。');

/** Tells the unit's staff (with WeCom) about their document, in the caller's transaction. */
async function noticeUnit(tx: Repositories, unitId: number | null, key: string, content: string, now: Date): Promise<void> {
  if (unitId === null) return;
  const staff = await tx.identity.activeWithRole('unit_staff', { unitIds: [unitId], withWecomId: true });
  const to = staff.map((u) => u.wecomUserId!).filter(Boolean);
  if (to.length > 0) await tx.outbox.enqueue(`unit-${key}`, { channel: 'app', toUsers: to, kind: 'text', content }, now);
}

const nameOf = async (tx: Repositories, actor: Actor) => (await tx.identity.byId(actor.userId))?.name ?? '财政局';

/**
 * What card buttons do, each through the same domain service the API uses (same checks, same
 * permissions, separation of duties), with the card settled and the notices queued inside that
 * service's transaction: if someone settled the card first, nothing happens.
 */
export function makeCardActions(deps: {
  store: DomainStore;
  clock: Clock;
  applications: ApplicationService;
  issuance: IssuanceService;
  lineFlows: Record<Exclude<ReviewedType, 'application'>, LineDocumentWorkflow>;
  /** PUBLIC_URL: notices about an application link to its page on the workbench. */
  publicUrl?: string;
}) {
  const { clock, applications, issuance, lineFlows } = deps;
  const pageOf = (id: number) => (deps.publicUrl ? `\n详情：${deps.publicUrl.replace(/\/+$/, '')}/m/applications/${id}` : '');

  const settle = (tx: Repositories, card: BotCard, actor: Actor, outcome: string, documentId?: number) =>
    settleCardIn(tx, card, { to: 'acted', actor, outcome, now: clock.now(), documentId }).then((ok) => {
      if (!ok) throw SETTLED();
    });

  /** A unit's draft confirmed (确认提交): submitted through the API's service. */
  async function confirm(actor: Actor, card: BotCard): Promise<CardOutcome> {
    if (card.action === 'application.submit') {
      const input = card.payload.input as CreateApplicationInput;
      const v = await applications.create(actor, input, (tx, view) => settle(tx, card, actor, `已提交 ${view.docNo}`, view.id));
      return {
        reply: `已提交申领单 ${v.docNo}（「${v.billTypeName}」${v.quantity} 份），等待财政局审核。审核结果会通过企业微信通知您。`,
        outcome: `已提交 ${v.docNo}`,
        docNo: v.docNo,
        documentId: v.id,
      };
    }
    if (card.action === 'application.withdraw') {
      const id = Number((card.payload.input as { id: number }).id);
      const v = await applications.withdraw(actor, id, (tx, view) => settle(tx, card, actor, `已撤回 ${view.docNo}`, view.id));
      return {
        reply: `已撤回申领单 ${v.docNo}，单据回到草稿，可在系统中修改后重新上报。`,
        outcome: `已撤回 ${v.docNo}`,
        docNo: v.docNo,
        documentId: v.id,
      };
    }
    if (card.action === 'writeoff.submit') {
      const input = card.payload.input as CreateWriteoffInput;
      const o = await lineFlows.writeoff.create(actor, input, (tx, r) => settle(tx, card, actor, `已提交 ${r.docNo}`, r.id));
      return {
        reply: `已提交核销单 ${o.docNo}（共 ${Object.values(o.counts).reduce((a, b) => a + b, 0)} 份），等待财政局审核。`,
        outcome: `已提交 ${o.docNo}`,
        docNo: o.docNo,
        documentId: o.id,
      };
    }
    throw new ValidationError('INVALID_INPUT', '该卡片不能确认提交。');
  }

  /**
   * An operator's 通过 (and 通过并发放 for an application): the review and the card settle in one
   * transaction; the issue follows in its own, and the unit is told what it got.
   */
  async function approve(actor: Actor, card: BotCard, opts: { issue: boolean }): Promise<CardOutcome> {
    const docType = card.action as ReviewedType;
    if (!(REVIEWED as readonly string[]).includes(docType) || card.documentId === null)
      throw new ValidationError('INVALID_INPUT', '该卡片不能审核。');
    const id = card.documentId;
    const now = clock.now();
    if (docType !== 'application') {
      const input = docType === 'writeoff' ? { result: '合格' as const } : {};
      const o = await lineFlows[docType].approve(actor, id, input, async (tx, r) => {
        const who = await nameOf(tx, actor);
        await settle(tx, card, actor, `已通过（${who}）`);
        const doc = await tx.documents.findById(docType, id);
        await noticeUnit(
          tx,
          doc?.unitId ?? null,
          `${docType}-${id}-approved`,
          `您单位的${DOC_NAMES[docType]} ${r.docNo} 已由财政局审核通过。`,
          now,
        );
      });
      return { reply: `已审核通过${DOC_NAMES[docType]} ${o.docNo}。`, outcome: '已通过', docNo: o.docNo };
    }
    let label = '';
    const v = await applications.approve(actor, id, {}, async (tx, view) => {
      const who = await nameOf(tx, actor);
      label = opts.issue ? `已通过并发放（${who}）` : `已通过（${who}）`;
      await settle(tx, card, actor, label);
      if (!opts.issue)
        await noticeUnit(
          tx,
          (await tx.documents.findById('application', id))?.unitId ?? null,
          `application-${id}-approved`,
          `您单位的申领单 ${view.docNo}（「${view.billTypeName}」${view.quantity} 份）已审核通过，发放后会再通知您领取号段。${pageOf(id)}`,
          now,
        );
    });
    if (!opts.issue) return { reply: `已审核通过申领单 ${v.docNo}，待发放。`, outcome: label, docNo: v.docNo };
    try {
      const issued = await issuance.issue(actor, id, async (tx, r) => {
        const batches = new Set(r.ranges.map((x) => x.batchCode)).size;
        const ranges = r.ranges.map((x) => runText(x, true)).join('；');
        await noticeUnit(
          tx,
          (await tx.documents.findById('application', id))?.unitId ?? null,
          `application-${id}-issued`,
          `您单位的申领单 ${v.docNo} 已审核通过并发放「${v.billTypeName}」${v.quantity} 份（发放单 ${r.issuanceNo}）。\n号段（票据代码 号码）：${ranges}${batches > 1 ? `（共 ${batches} 个批次）` : ''}\n请到财政局领取纸质票据并核对号段。${pageOf(id)}`,
          now,
        );
      });
      return {
        reply: `已审核通过并发放申领单 ${v.docNo}（发放单 ${issued.issuanceNo}，号段 ${issued.ranges.map((x) => runText(x, true)).join('；')}），已通知单位。`,
        outcome: label,
        docNo: v.docNo,
      };
    } catch (err) {
      // Approved stays approved: the operator issues from the workbench once the cause is fixed.
      const why = err instanceof Error ? err.message : '发放失败';
      return { reply: `申领单 ${v.docNo} 已审核通过，但发放未完成：${why}。请在系统「发放」中处理。`, outcome: label, docNo: v.docNo };
    }
  }

  /** 退回 with the operator's opinion (`#SL-2026-000123 退回 原因…`): the document, its open cards and the unit's notice together. */
  async function reject(actor: Actor, docNo: string, opinion: string): Promise<CardOutcome> {
    const docType = docTypeOf(docNo);
    if (!docType) throw new NotFoundError('DOCUMENT_NOT_FOUND', `单据 ${docNo} 不存在`);
    const doc = await deps.store.read.documents.findByNo(docType, docNo);
    if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `单据 ${docNo} 不存在`);
    const now = clock.now();
    const also = async (tx: Repositories) => {
      const who = await nameOf(tx, actor);
      const card = await tx.cards.openFor(docType, doc.id);
      if (card) await settle(tx, card, actor, `已退回（${who}）`);
      await noticeUnit(
        tx,
        doc.unitId,
        `${docType}-${doc.id}-returned-${now.getTime()}`,
        `您单位的${DOC_NAMES[docType]} ${docNo} 被财政局退回。\n退回意见：${opinion}\n请修改后重新上报。${docType === 'application' ? pageOf(doc.id) : ''}`,
        now,
      );
    };
    if (docType === 'application') await applications.reject(actor, doc.id, { opinion }, also);
    else await lineFlows[docType].reject(actor, doc.id, { opinion }, also);
    return { reply: `已退回${DOC_NAMES[docType]} ${docNo}，退回意见已通知单位。`, outcome: '已退回', docNo };
  }

  /**
   * What an application by chat would meet, read now with the API's rules: the rules that refuse
   * it (分次限量, 核旧领新) and whether the warehouse could serve it (approval waits for stock).
   */
  async function previewApplication(actor: Actor, billTypeCode: string, quantity: number): Promise<ApplicationPreview> {
    const r = deps.store.read;
    if (actor.unitId === null) throw new ValidationError('INVALID_INPUT', '您的账号未关联单位，不能申领。');
    const unit = (await r.catalog.unitById(actor.unitId))!;
    const bt = await r.catalog.billTypeByCode(billTypeCode);
    // The same reading as the API's POST /applications/check.
    const c = await readApplicationCheck(r, unit, bt, quantity, null, clock.now());
    return {
      unitCode: unit.code,
      unitName: unit.name,
      billTypeCode: bt.code,
      billTypeName: bt.name,
      quantity,
      blockers: c.blockers.map((b) => b.message),
      warehouseShort: !c.warehouse.sufficient,
    };
  }

  /** The unit's latest application that may be withdrawn (submitted, not yet reviewed), or the named one. */
  async function withdrawable(actor: Actor, docNo: string | null) {
    const r = deps.store.read;
    if (actor.unitId === null) throw new ValidationError('INVALID_INPUT', '您的账号未关联单位。');
    const doc = docNo
      ? await r.documents.findByNo('application', docNo)
      : (await r.documents.page({ docType: 'application', unitId: actor.unitId, status: 'submitted' }, { skip: 0, take: 1 }))[0][0];
    if (!doc || doc.unitId !== actor.unitId) return null;
    const bt = await r.catalog.billTypeById(doc.billTypeId);
    return { id: doc.id, docNo: doc.docNo, status: doc.status, billTypeName: bt.name, quantity: doc.quantity };
  }

  /**
   * Runs of a write-off by chat placed on the unit's stock: a run without a batch code takes the
   * batch whose held range contains it. Returns the API's input, or the first problem in Chinese.
   */
  async function previewWriteoff(
    actor: Actor,
    billTypeCode: string,
    runs: Array<{ kind: 'used' | 'voided' | 'lost'; batchCode: string | null; startNo: number; endNo: number }>,
  ): Promise<{ input: CreateWriteoffInput; unitName: string; billTypeName: string } | { problem: string }> {
    const r = deps.store.read;
    if (actor.unitId === null) return { problem: '您的账号未关联单位，不能上报核销。' };
    const unit = (await r.catalog.unitById(actor.unitId))!;
    const bt = await r.catalog.billTypeByCode(billTypeCode);
    const held = await r.ledger.stockRows({ unitCode: unit.code, billTypeCode: bt.code });
    const input: CreateWriteoffInput = { unitCode: unit.code, billTypeCode: bt.code, used: [], voided: [], lost: [] };
    for (const run of runs) {
      const inside = held.filter(
        (h) => (run.batchCode === null || h.batchCode === run.batchCode) && h.startNo <= run.startNo && run.endNo <= h.endNo,
      );
      const batches = [...new Set(inside.map((h) => h.batchCode))];
      const text = runText({ batchCode: run.batchCode ?? '', startNo: run.startNo, endNo: run.endNo }, false);
      if (batches.length === 0)
        return { problem: `号段 ${text} 不在本单位「${bt.name}」的库存中（或已核销、已在其他单据上），请核对号码。` };
      if (batches.length > 1)
        return { problem: `号段 ${text} 在多个批次中都有，请注明票据代码，例如“核销 ${bt.name} 代码 ${batches[0]} 已用 ${text}”。` };
      input[run.kind].push({ batchCode: batches[0], startNo: run.startNo, endNo: run.endNo });
    }
    return { input, unitName: unit.name, billTypeName: bt.name };
  }

  return { confirm, approve, reject, previewApplication, withdrawable, previewWriteoff };
}

export interface ApplicationPreview {
  unitCode: string;
  unitName: string;
  billTypeCode: string;
  billTypeName: string;
  quantity: number;
  /** Rules that refuse it now (Chinese, as the API says them). */
  blockers: string[];
  /** The warehouse cannot serve it now: it may be submitted, approval waits for stock. */
  warehouseShort: boolean;
}
export type CardActions = ReturnType<typeof makeCardActions>;

const PREFIXES: Record<string, ReviewedType> = { SL: 'application', HX: 'writeoff', ST: 'return', ZF: 'stock_void', XH: 'destruction' };

/** The reviewed document type of a number such as SL-2026-000123. */
export function docTypeOf(docNo: string): Exclude<DocType, 'print_plan' | 'issuance'> | null {
  return PREFIXES[docNo.slice(0, 2).toUpperCase()] ?? null;
}
