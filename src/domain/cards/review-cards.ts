import { awaitedLater } from '../common/awaited-later';
import type { Repositories } from '../db/repositories';
import type { BillDocument } from '../documents/bill-document.entity';
import { DOC_NAMES } from '../documents/lifecycle';
import { readApplicationCheck, type ApplicationCheck } from '../documents/application-checks';
import type { Actor } from '../identity/actor';
import { closeOpenCardsIn, openCardIn } from './card.service';
import type { ChatCard } from './card-view';

type Tx = Repositories;
/** A document line as a card shows it. */
type CardLine = { kind: string; batchCode: string; startNo: number; endNo: number };

/** Document types the bureau reviews from a card: the card's action is the document type. */
export const REVIEWED = ['application', 'writeoff', 'return', 'stock_void', 'destruction'] as const;
export type ReviewedType = (typeof REVIEWED)[number];

const KIND_NAMES: Record<string, string> = { used: '已开', voided: '作废', lost: '灭失', return: '申退', void: '作废', destroy: '销毁' };

/** "0000001-0000300" with the batch when there are several. */
export const runText = (l: { batchCode: string; startNo: number; endNo: number }, withBatch: boolean): string => {
  const pad = (n: number) => String(n).padStart(7, '0');
  const run = l.startNo === l.endNo ? pad(l.startNo) : `${pad(l.startNo)}-${pad(l.endNo)}`;
  return withBatch ? `${l.batchCode} ${run}` : run;
};

/**
 * The checks an operator sees on an application's card (the API's rules, read now): 分次限量,
 * 核旧领新 (pending and overdue write-offs) and the warehouse.
 */
export async function applicationCheckLines(
  tx: Tx,
  doc: BillDocument,
  now: Date,
  reading?: ApplicationCheck,
): Promise<{ lines: string[]; stockAllows: boolean }> {
  const unit = (await tx.catalog.unitById(doc.unitId!))!;
  const bt = await tx.catalog.billTypeById(doc.billTypeId);
  // The same reading as the API's GET /applications/:id/checks, inside this transaction (the
  // submission's own when it passes one: it was just taken for the rules).
  const c = reading ?? (await readApplicationCheck(tx, unit, bt, doc.quantity, doc.id, now));
  const capBlock = c.blockers.some((b) => b.reason === 'CAP_EXCEEDED');
  const oldBlock = c.blockers.some((b) => b.reason !== 'CAP_EXCEEDED');
  const w = c.warehouse;
  const pending = c.pendingWriteoffs.map((p) => p.docNo).join('、');
  return {
    stockAllows: w.sufficient,
    lines: [
      `分次限量：${c.cap === null ? '未设上限' : `${capBlock ? '超出' : '符合'}（上限 ${c.cap} 份）`}`,
      `核旧领新：${oldBlock ? '不符合' : '符合'}`,
      `财政库存：${w.sufficient ? '足够' : '不足'}（可批 ${w.available} 份）`,
      `待审核销：${pending || '无'}`,
      ...c.blockers.map((b) => b.message),
      ...(w.promised > 0 ? [`财政库存 ${w.inStock} 份，其中 ${w.promised} 份已批给其他待发放的申领单。`] : []),
    ],
  };
}

async function lineDocLines(tx: Tx, doc: BillDocument, known?: readonly CardLine[], facts?: ReviewFacts): Promise<string[]> {
  const lines = known ?? (await tx.documents.linesOf(doc.id));
  const batches = new Set(lines.map((l) => l.batchCode)).size;
  const byKind = new Map<string, string[]>();
  for (const l of lines) byKind.set(l.kind, [...(byKind.get(l.kind) ?? []), runText(l, batches > 1)]);
  const out = [...byKind].map(
    ([kind, runs]) => `${KIND_NAMES[kind] ?? kind}：${runs.slice(0, 4).join('，')}${runs.length > 4 ? ` 等 ${runs.length} 段` : ''}`,
  );
  out.push('号码核对：提交时已核对在本单位库存中');
  if (doc.docType === 'writeoff') {
    const pending = await (facts?.pendingWriteoff ?? pendingWriteoff(tx, doc.unitId!, doc.billTypeId));
    if (pending && pending.id !== doc.id) out.push(`待审核销：另有 ${pending.docNo} 待审核`);
  }
  return out;
}

/** The unit's first write-off of the type awaiting review. */
const pendingWriteoff = (tx: Tx, unitId: number, billTypeId: number): Promise<BillDocument | null> =>
  tx.documents.firstOf({ docType: 'writeoff', unitId, billTypeId, statuses: ['submitted'] });

/** The operators who review from WeCom. */
async function reviewers(tx: Tx): Promise<string[]> {
  const ops = await tx.identity.activeWithRole('operator', { withWecomId: true });
  return ops.map((u) => u.wecomUserId!).filter(Boolean);
}

/** What a review card reads besides its document, started before the document is written. */
export interface ReviewFacts {
  recipients: Promise<string[]>;
  /** For a write-off: another of the unit's write-offs of the type awaiting review (the card names it). */
  pendingWriteoff: Promise<BillDocument | null> | null;
}

/**
 * Starts the reads of a new document's review card, so that they travel with the submission's own
 * checks instead of waiting for its writes: the card then goes in with them. Unused when a check refuses.
 */
export function readReviewFacts(tx: Tx, doc: Pick<BillDocument, 'docType' | 'unitId' | 'billTypeId'>): ReviewFacts | null {
  if (!(REVIEWED as readonly string[]).includes(doc.docType) || doc.unitId === null) return null;
  return {
    recipients: awaitedLater(reviewers(tx)),
    pendingWriteoff: doc.docType === 'writeoff' ? awaitedLater(pendingWriteoff(tx, doc.unitId, doc.billTypeId)) : null,
  };
}

/**
 * Queues the bureau's operators a review card for a submitted document, in the submission's
 * transaction: unit, bill type, quantity or ranges, the checks, and 通过 / 退回 (通过并发放 for an
 * application the warehouse can serve now). The card is stored even when nobody has WeCom: the
 * workbench presses the same buttons through POST /bot/buttons.
 */
export async function noticeReviewers(
  tx: Tx,
  doc: BillDocument,
  now: Date,
  publicUrl?: string,
  known: { check?: ApplicationCheck; isNew?: boolean; lines?: readonly CardLine[]; facts?: ReviewFacts | null } = {},
): Promise<void> {
  if (!(REVIEWED as readonly string[]).includes(doc.docType) || doc.unitId === null) return;
  // A resubmission replaces the earlier card: it must not act on the new version (a document
  // created in this transaction has none).
  if (!known.isNew) await closeReviewCards(tx, doc, null, '已重新上报，请在新卡片上审核', now);
  // Read with the card's other facts, not after them (or earlier still, by readReviewFacts).
  const recipients = known.facts?.recipients ?? awaitedLater(reviewers(tx));
  const unit = (await tx.catalog.unitById(doc.unitId))!;
  const bt = await tx.catalog.billTypeById(doc.billTypeId);
  const head = [`单位：${unit.name}`, `票种：${bt.name}`, `数量：${doc.quantity} 份`];
  let checks: string[];
  let issueButton = false;
  if (doc.docType === 'application') {
    const a = await applicationCheckLines(tx, doc, now, known.check);
    checks = a.lines;
    issueButton = a.stockAllows;
  } else {
    checks = await lineDocLines(tx, doc, known.lines, known.facts ?? undefined);
  }
  const view: ChatCard = {
    title: `待审核：${DOC_NAMES[doc.docType]} ${doc.docNo}`,
    lines: [...head, ...checks],
    buttons: [
      { key: 'approve:{task}', text: '通过' },
      ...(issueButton ? [{ key: 'approve_issue:{task}', text: '通过并发放' }] : []),
      { key: 'return:{task}', text: '退回' },
    ],
  };
  await openCardIn(
    tx,
    {
      kind: 'review',
      action: doc.docType,
      documentId: doc.id,
      payload: { docNo: doc.docNo },
      recipients: await recipients,
      view,
      url: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/console/approvals` : undefined,
    },
    now,
  );
}

/** Closes the open review cards of a document (withdrawn, resubmitted): their buttons stop acting, every copy says why. */
export async function closeReviewCards(tx: Tx, doc: BillDocument, actor: Actor | null, outcome: string, now: Date): Promise<void> {
  await closeOpenCardsIn(tx, doc.docType, doc.id, { actor, outcome, now });
}
