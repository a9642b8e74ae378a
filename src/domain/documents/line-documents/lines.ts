import { ConflictError, ValidationError } from '../../errors';
import type { LedgerRepository } from '../../ledger/ledger.repository';
import type { DocType, LineKind, Place } from '../../ledger/ledger.types';
import { countOf, findOverlaps, formatSpan, subtract, type Span } from '../../ledger/ranges';
import type { DocumentRepository } from '../documents.repository';
import { DOC_NAMES } from '../lifecycle';
import { MAX_BILL_NO, type LineInput } from '../line-documents.schemas';

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

export const spanOf = (l: LineInput): Span => ({ start: l.startNo, end: l.endNo });

/** Lists numbers grouped by batch: 票据代码 A 的号码 x、y，票据代码 B 的号码 z (first 20 runs). */
export function describeRuns(runs: ReadonlyArray<{ batchCode: string; span: Span }>): string {
  const byBatch = new Map<string, string[]>();
  for (const r of runs.slice(0, 20)) byBatch.set(r.batchCode, [...(byBatch.get(r.batchCode) ?? []), formatSpan(r.span)]);
  const text = [...byBatch].map(([b, s]) => `票据代码 ${b} 的号码 ${s.join('、')}`).join('，');
  return runs.length > 20 ? `${text} 等 ${runs.length} 段` : text;
}

/**
 * Checks the shape of a document's lines before anything is read: format, start ≤ end, and no two
 * lines sharing a number (also across used/voided/lost). Pure: forms can run it as typed.
 */
export function checkLineShapes(lines: readonly DocLine[]): void {
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
  for (const code of new Set(lines.map((l) => l.batchCode))) {
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
}

/** Every batch of the lines exists and belongs to the document's bill type. */
export async function checkBatches(
  ledger: LedgerRepository,
  billType: { id: number; name: string },
  lines: readonly DocLine[],
): Promise<void> {
  const codes = [...new Set(lines.map((l) => l.batchCode))];
  const batches = await ledger.batchesByCodes(codes);
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
  ledger: LedgerRepository,
  billTypeId: number,
  lines: readonly LineInput[],
  places: readonly Place[],
  problem: string,
): Promise<void> {
  const missing: Array<{ batchCode: string; span: Span }> = [];
  // Every line and place in one statement: a write-off of many runs costs one read, not one per run.
  const rows = await ledger.findAtAny(
    billTypeId,
    lines.map((l) => ({ batchCode: l.batchCode, span: spanOf(l) })),
    places,
  );
  for (const l of lines) {
    const held = rows.filter((r) => r.batchCode === l.batchCode).map((r) => ({ start: r.startNo, end: r.endNo }));
    for (const span of subtract([spanOf(l)], held)) missing.push({ batchCode: l.batchCode, span });
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

/** Refuses numbers already on another submitted document of the reserving types and this bill type. */
export async function assertNotReserved(
  documents: DocumentRepository,
  reserving: DocType[],
  billTypeId: number,
  lines: readonly LineInput[],
  excludeDocId = 0,
): Promise<void> {
  const rows = await documents.reservedLines(reserving, billTypeId, [...new Set(lines.map((l) => l.batchCode))], excludeDocId);
  for (const l of lines) {
    for (const r of rows) {
      if (r.batchCode !== l.batchCode || r.startNo > l.endNo || r.endNo < l.startNo) continue;
      const span = { start: Math.max(l.startNo, r.startNo), end: Math.min(l.endNo, r.endNo) };
      throw new ConflictError(
        'RANGE_RESERVED',
        `票据代码 ${l.batchCode} 的号码 ${formatSpan(span)} 已在${DOC_NAMES[r.docType]} ${r.docNo} 中待审核，不能重复办理`,
        [{ batchCode: l.batchCode, startNo: span.start, endNo: span.end, docNo: r.docNo }],
      );
    }
  }
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
