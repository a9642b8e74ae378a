import { In, type DataSource, type EntityManager } from 'typeorm';
import { billTypeByCode, unitByCode } from '../catalog/catalog.service';
import type { Page } from '../common/pagination';
import { pageWindow } from '../common/pagination';
import { lockRow } from '../db/transaction';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Actor } from '../identity/actor';
import { Batch } from '../ledger/batch.entity';
import type { DocType, LineKind, Place } from '../ledger/ledger.types';
import { findAt, moveRun, type Movement } from '../ledger/range-store';
import { countOf, findOverlaps, formatSpan, subtract, type Span } from '../ledger/ranges';
import { BillDocument } from './bill-document.entity';
import { DocumentLine } from './document-line.entity';
import { documentView, documentViews, type DocumentView } from './document.views';
import { DOC_NAMES, loadDocument } from './lifecycle';
import { MAX_BILL_NO, type LineInput, type ListLineDocumentsQuery } from './line-documents.schemas';
import { isUnitScoped } from '../policy';

/** One line of a line document: a run of numbers and what the document says about it. */
export interface DocLine extends LineInput {
  kind: LineKind;
}

const KIND_LABEL: Partial<Record<LineKind, string>> = { used: '已开', voided: '作废', lost: '灭失' };

/** Names lines as unit staff see them on the form: 「已开第 2 行」, or 「第 2 行」. */
function labels(lines: readonly DocLine[]): string[] {
  const seen = new Map<LineKind, number>();
  return lines.map((l) => {
    const n = (seen.get(l.kind) ?? 0) + 1;
    seen.set(l.kind, n);
    return `${KIND_LABEL[l.kind] ?? ''}第 ${n} 行`;
  });
}

const spanOf = (l: LineInput): Span => ({ start: l.startNo, end: l.endNo });

/** Lists numbers grouped by batch: 票据代码 A 的号码 x、y，票据代码 B 的号码 z (first 20 runs). */
export function describeRuns(runs: ReadonlyArray<{ batchCode: string; span: Span }>): string {
  const byBatch = new Map<string, string[]>();
  for (const r of runs.slice(0, 20)) byBatch.set(r.batchCode, [...(byBatch.get(r.batchCode) ?? []), formatSpan(r.span)]);
  const text = [...byBatch].map(([b, s]) => `票据代码 ${b} 的号码 ${s.join('、')}`).join('，');
  return runs.length > 20 ? `${text} 等 ${runs.length} 段` : text;
}

/**
 * Checks the lines of one document before anything is read from stock: format, start ≤ end,
 * no two lines sharing a number (also across used/voided/lost), every batch of this bill type.
 */
export async function validateLines(em: EntityManager, billType: { id: number; name: string }, lines: readonly DocLine[]): Promise<void> {
  if (lines.length === 0) throw new ValidationError('INVALID_RANGE', '至少填写一行号码');
  const names = labels(lines);
  lines.forEach((l, i) => {
    if (!/^\d{8}$/.test(l.batchCode)) throw new ValidationError('INVALID_RANGE', `${names[i]}：票据代码应为 8 位数字`);
    for (const n of [l.startNo, l.endNo]) {
      if (!Number.isInteger(n) || n < 1 || n > MAX_BILL_NO)
        throw new ValidationError('INVALID_RANGE', `${names[i]}：票据号码应为 1 到 10 位的正整数`);
    }
    if (l.startNo > l.endNo) throw new ValidationError('INVALID_RANGE', `${names[i]}：起始号码 ${formatSpan(spanOf(l))} 大于终止号码`);
  });
  const codes = [...new Set(lines.map((l) => l.batchCode))];
  for (const code of codes) {
    const idx = lines.map((l, i) => ({ l, i })).filter((x) => x.l.batchCode === code);
    const pairs = findOverlaps(idx.map((x) => spanOf(x.l)));
    if (pairs.length > 0) {
      const [a, b] = pairs[0].map((k) => idx[k]);
      throw new ValidationError(
        'LINES_OVERLAP',
        `${names[a.i]}与${names[b.i]}的号码重叠：票据代码 ${code} 的号码 ${formatSpan(spanOf(a.l))} 与 ${formatSpan(spanOf(b.l))}`,
        [{ lines: [names[a.i], names[b.i]], batchCode: code }],
      );
    }
  }
  const batches = await em.find(Batch, { where: { batchCode: In(codes) } });
  for (const code of codes) {
    const b = batches.find((x) => x.batchCode === code);
    if (!b) throw new ValidationError('INVALID_RANGE', `票据代码 ${code} 不存在`, [{ batchCode: code }]);
    if (b.billTypeId !== billType.id)
      throw new ValidationError('INVALID_RANGE', `票据代码 ${code} 不属于票据种类「${billType.name}」`, [{ batchCode: code }]);
  }
}

/**
 * Every number of the lines must be at one of the places; all numbers that are not are
 * collected into one 409 (`problem` completes the sentence, e.g. 「不在本单位库存中」).
 */
export async function assertLinesAt(
  em: EntityManager,
  billTypeId: number,
  lines: readonly LineInput[],
  places: readonly Place[],
  problem: string,
): Promise<void> {
  const missing: Array<{ batchCode: string; span: Span }> = [];
  for (const l of lines) {
    const run = { billTypeId, batchCode: l.batchCode, span: spanOf(l) };
    const held: Span[] = [];
    for (const p of places) held.push(...(await findAt(em, run, p)).map((r) => ({ start: r.startNo, end: r.endNo })));
    for (const span of subtract([run.span], held)) missing.push({ batchCode: l.batchCode, span });
  }
  if (missing.length > 0) {
    missing.sort((a, b) => a.batchCode.localeCompare(b.batchCode) || a.span.start - b.span.start);
    throw new ConflictError(
      'RANGE_NOT_HELD',
      `${describeRuns(missing)} ${problem}`,
      missing.map((m) => ({ batchCode: m.batchCode, startNo: m.span.start, endNo: m.span.end, count: countOf(m.span) })),
    );
  }
}

/** Document types whose lines are reserved while submitted (they move only at approval). */
const RESERVING: DocType[] = ['return', 'stock_void', 'destruction'];

/** Refuses numbers already on another submitted 申退单/库存作废单/销毁单 of this bill type. */
export async function assertNotReserved(
  em: EntityManager,
  billTypeId: number,
  lines: readonly LineInput[],
  excludeDocId = 0,
): Promise<void> {
  const rows: Array<{ docNo: string; docType: DocType; batchCode: string; startNo: string | number; endNo: string | number }> = await em
    .createQueryBuilder(DocumentLine, 'l')
    .innerJoin(BillDocument, 'd', 'd.id = l.documentId')
    .select(['d.docNo AS "docNo"', 'd.docType AS "docType"', 'l.batchCode AS "batchCode"', 'l.startNo AS "startNo"', 'l.endNo AS "endNo"'])
    .where('d.docType IN (:...types) AND d.status = :s AND d.billTypeId = :bt AND d.id <> :ex', {
      types: RESERVING,
      s: 'submitted',
      bt: billTypeId,
      ex: excludeDocId,
    })
    .andWhere('l.batchCode IN (:...codes)', { codes: [...new Set(lines.map((l) => l.batchCode))] })
    .getRawMany();
  for (const l of lines) {
    for (const r of rows) {
      if (r.batchCode !== l.batchCode || Number(r.startNo) > l.endNo || Number(r.endNo) < l.startNo) continue;
      const span = { start: Math.max(l.startNo, Number(r.startNo)), end: Math.min(l.endNo, Number(r.endNo)) };
      throw new ConflictError(
        'RANGE_RESERVED',
        `票据代码 ${l.batchCode} 的号码 ${formatSpan(span)} 已在${DOC_NAMES[r.docType]} ${r.docNo} 中待审核，不能重复办理`,
        [{ batchCode: l.batchCode, startNo: span.start, endNo: span.end, docNo: r.docNo }],
      );
    }
  }
}

/** Replaces the lines of a document; returns their total count. */
export async function saveLines(em: EntityManager, documentId: number, lines: readonly DocLine[]): Promise<number> {
  await em.delete(DocumentLine, { documentId });
  const rows = lines.map((l) => ({
    documentId,
    kind: l.kind,
    batchCode: l.batchCode,
    startNo: l.startNo,
    endNo: l.endNo,
    count: countOf(spanOf(l)),
  }));
  for (let i = 0; i < rows.length; i += 200) await em.insert(DocumentLine, rows.slice(i, i + 200));
  return rows.reduce((n, r) => n + r.count, 0);
}

/** The stored lines of a document, in the order they were written. */
export async function loadLines(em: EntityManager, documentId: number): Promise<DocLine[]> {
  const rows = await em.find(DocumentLine, { where: { documentId }, order: { id: 'ASC' } });
  return rows.map((r) => ({ kind: r.kind, batchCode: r.batchCode, startNo: r.startNo, endNo: r.endNo }));
}

/** Moves every line from its place to its new place, one journal row per line. */
export async function moveLines(
  em: EntityManager,
  billTypeId: number,
  lines: readonly DocLine[],
  from: (l: DocLine) => Place,
  to: (l: DocLine) => Place,
  mv: Movement,
): Promise<void> {
  for (const l of lines) await moveRun(em, { billTypeId, batchCode: l.batchCode, span: spanOf(l) }, from(l), to(l), mv);
}

/** Count per line kind plus the total. */
export function countLines(lines: readonly DocLine[]): Record<string, number> {
  const out: Record<string, number> = { total: 0 };
  for (const l of lines) {
    const n = countOf(spanOf(l));
    out[l.kind] = (out[l.kind] ?? 0) + n;
    out.total += n;
  }
  return out;
}

/** Locks the document's bill type (the ledger's lock order), then the document itself. */
export async function lockDocument(em: EntityManager, docType: DocType, id: number): Promise<BillDocument> {
  const head = await em.findOne(BillDocument, { where: { id, docType }, select: { id: true, billTypeId: true } });
  if (!head) throw new NotFoundError('DOCUMENT_NOT_FOUND', `${DOC_NAMES[docType]} ${id} 不存在`);
  await lockRow(em, 'bill_type', head.billTypeId);
  return loadDocument(em, docType, id);
}

/** Unit staff may only see their own unit's documents, never the bureau's own. */
export function assertDocAccess(actor: Actor, doc: BillDocument): void {
  if (isUnitScoped(actor) && (doc.unitId === null || doc.unitId !== actor.unitId)) {
    throw new ForbiddenError('OTHER_UNIT', '只能查看或办理本单位的业务');
  }
}

/** Pages documents of one type; unit staff only ever see their own unit. */
export async function listDocuments(
  ds: DataSource,
  actor: Actor,
  docType: DocType,
  q: ListLineDocumentsQuery,
): Promise<Page<DocumentView>> {
  const em = ds.manager;
  const qb = em.createQueryBuilder(BillDocument, 'd').where('d.docType = :t', { t: docType }).orderBy('d.id', 'DESC');
  if (isUnitScoped(actor)) {
    if (q.unitCode && q.unitCode !== actor.unitCode) throw new ForbiddenError('OTHER_UNIT', '只能查看或办理本单位的业务');
    if (q.holder === 'bureau') throw new ForbiddenError('OTHER_UNIT', '只能查看或办理本单位的业务');
    qb.andWhere('d.unitId = :u', { u: actor.unitId });
  } else if (q.unitCode) {
    qb.andWhere('d.unitId = :u', { u: (await unitByCode(em, q.unitCode)).id });
  }
  if (q.holder === 'bureau') qb.andWhere('d.unitId IS NULL');
  if (q.holder === 'unit') qb.andWhere('d.unitId IS NOT NULL');
  if (q.status) qb.andWhere('d.status = :s', { s: q.status });
  if (q.billTypeCode) qb.andWhere('d.billTypeId = :bt', { bt: (await billTypeByCode(em, q.billTypeCode)).id });
  const { skip, take } = pageWindow(q);
  const [docs, total] = await qb.skip(skip).take(take).getManyAndCount();
  return { items: await documentViews(em, docs), total, page: q.page, pageSize: q.pageSize };
}

/** One document with its lines, transitions (opinions) and counts. */
export async function getDocument(
  ds: DataSource,
  actor: Actor,
  docType: DocType,
  id: number,
): Promise<DocumentView & { counts: Record<string, number> }> {
  const doc = await ds.manager.findOneBy(BillDocument, { id, docType });
  if (!doc) throw new NotFoundError('DOCUMENT_NOT_FOUND', `${DOC_NAMES[docType]} ${id} 不存在`);
  assertDocAccess(actor, doc);
  const view = await documentView(ds.manager, doc);
  return { ...view, counts: countLines(await loadLines(ds.manager, doc.id)) };
}
