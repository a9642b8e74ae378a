import type { DomainStore } from '../db/repositories';
import type { DocType } from '../ledger/ledger.types';

/** A run of numbers handed to a unit by an issuance. */
export interface IssuedRun {
  batchCode: string;
  startNo: number;
  endNo: number;
  count: number;
}

/**
 * Read-only lookups by the identifiers people type (a document number) and the runs an
 * application received. No access check here: callers pass the ids found back through the
 * document services, which check them.
 */
export function makeDocumentLookup(deps: { store: DomainStore }) {
  const r = deps.store.read;
  return {
    /** Id and unit of a document found by its number (SL-2026-000012, any case), or null. */
    async byNumber(docType: DocType, docNo: string): Promise<{ id: number; unitId: number | null } | null> {
      const d = await r.documents.findByNo(docType, docNo.toUpperCase());
      return d ? { id: d.id, unitId: d.unitId } : null;
    },

    /** The runs each application's issuance handed over, keyed by application id (issued ones only). */
    async issuedRuns(applicationIds: number[]): Promise<Map<number, IssuedRun[]>> {
      const out = new Map<number, IssuedRun[]>();
      const issuances = await r.documents.issuancesOf(applicationIds);
      if (issuances.length === 0) return out;
      const lines = await r.documents.linesOfMany(issuances.map((i) => i.id));
      for (const iss of issuances) {
        out.set(
          iss.applicationId!,
          lines
            .filter((l) => l.documentId === iss.id)
            .map((l) => ({ batchCode: l.batchCode, startNo: Number(l.startNo), endNo: Number(l.endNo), count: Number(l.count) })),
        );
      }
      return out;
    },
  };
}
export type DocumentLookup = ReturnType<typeof makeDocumentLookup>;
