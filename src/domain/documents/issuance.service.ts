import type { Also } from './application.service';
import { awaitedLater } from '../common/awaited-later';
import type { Clock } from '../clock';
import type { DomainStore } from '../db/repositories';
import { ConflictError } from '../errors';
import type { Actor } from '../identity/actor';
import type { IssueResult, SpanView } from '../ledger/ledger.schemas';
import { BUREAU_STOCK, type Place } from '../ledger/ledger.types';
import { countOf, takeLowest, totalCount, type Span } from '../ledger/ranges';
import { isAt } from '../ledger/range.queries';
import type { StockRange } from '../ledger/stock-range.entity';
import { createDocument, lockDocument, STATUS_NAMES, transitionWrites } from './lifecycle';
import { requirePermission } from '../policy';

/**
 * The lowest `quantity` numbers over batches in code order: takeLowest per batch, because spans
 * of different batches are different bills even when their numbers coincide.
 */
export function pickLowest(available: readonly StockRange[], quantity: number): Array<{ batchCode: string; span: Span }> {
  const byBatch = new Map<string, Span[]>();
  for (const r of available) {
    const list = byBatch.get(r.batchCode) ?? [];
    list.push({ start: r.startNo, end: r.endNo });
    byBatch.set(r.batchCode, list);
  }
  const out: Array<{ batchCode: string; span: Span }> = [];
  let need = quantity;
  for (const batchCode of [...byBatch.keys()].sort()) {
    if (need <= 0) break;
    const taken = takeLowest(byBatch.get(batchCode)!, need);
    for (const span of taken) out.push({ batchCode, span });
    need -= totalCount(taken);
  }
  return out;
}

/** 票据发放: hands an approved application's quantity from the warehouse to the unit. */
export function makeIssuanceService(deps: { store: DomainStore; clock: Clock }) {
  const { store, clock } = deps;
  return {
    /**
     * Issues an approved application in one transaction: lowest warehouse numbers first, moved to the
     * unit with journal rows, an issuance document with its lines, the application → issued.
     * Not enough stock → 409 and nothing moves.
     */
    async issue(actor: Actor, applicationId: number, also?: Also<IssueResult>): Promise<IssueResult> {
      requirePermission(actor, 'application.issue');
      return store.transaction(async (tx) => {
        // Lock order bill_type → document, as every ledger-changing transaction does. The stock the
        // issuance moves and the new document's id are read behind the lock, in the same round trip.
        const locked = lockDocument(tx, 'application', applicationId);
        const stock = awaitedLater(tx.ledger.forIssue(applicationId));
        const id = tx.documents.reserveId();
        const app = await locked;
        if (app.status !== 'approved') {
          throw new ConflictError(
            'STATE_NOT_ALLOWED',
            `申领单 ${app.docNo} 当前状态为「${STATUS_NAMES[app.status]}」，只有审核通过的申领单才能发放`,
          );
        }
        const bt = await tx.catalog.billTypeById(app.billTypeId);
        const rows = await stock;
        const available = rows.filter((r) => isAt(r, BUREAU_STOCK));
        const have = available.reduce((n, r) => n + countOf({ start: r.startNo, end: r.endNo }), 0);
        if (have < app.quantity) {
          throw new ConflictError(
            'STOCK_INSUFFICIENT',
            `库存不足：「${bt.name}」财政库存可发放 ${have} 份，申领单 ${app.docNo} 申请 ${app.quantity} 份`,
            [{ available: have, requested: app.quantity }],
          );
        }
        const at = clock.now();
        const issuance = await createDocument(
          tx.documents,
          {
            docType: 'issuance',
            unitId: app.unitId,
            billTypeId: app.billTypeId,
            quantity: app.quantity,
            applicationId: app.id,
            createdBy: actor.userId,
            createdAt: at,
            completedAt: at,
          },
          'completed',
          null,
          id,
        );
        const to: Place = { holder: 'unit', unitId: app.unitId, state: 'IN_STOCK' };
        const picked = pickLowest(available, app.quantity);
        const ranges: SpanView[] = picked.map(({ batchCode, span }) => ({
          batchCode,
          startNo: span.start,
          endNo: span.end,
          count: countOf(span),
        }));
        await tx.audit.record(actor, at, {
          action: 'application.issue',
          entityType: 'bill_document',
          entityId: app.id,
          after: { issuanceId: issuance.id, ranges },
        });
        // The application's move to issued and the issuance's lines are independent of the range moves: they go with them.
        const movement = { operation: 'issue', docType: 'issuance' as const, docId: issuance.id, actorId: actor.userId, at };
        const lines = tx.documents.linesSql(
          issuance.id,
          picked.map(({ batchCode, span }) => ({ kind: 'issue', batchCode, startNo: span.start, endNo: span.end })),
        );
        await tx.ledger.moveRunsOver(
          app.billTypeId,
          rows,
          picked.map(({ batchCode, span }) => ({ batchCode, span, from: BUREAU_STOCK, to })),
          movement,
          [...transitionWrites(tx.documents, app, 'issued', { actorId: actor.userId, at }), ...lines.writes],
        );
        const result: IssueResult = { status: 'issued', issuanceId: issuance.id, issuanceNo: issuance.docNo, ranges };
        await also?.(tx, result);
        return result;
      });
    },
  };
}
export type IssuanceService = ReturnType<typeof makeIssuanceService>;
