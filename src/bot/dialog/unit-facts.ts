import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { BillType } from '../../domain/catalog/bill-type.entity';
import { Unit } from '../../domain/catalog/unit.entity';
import { BillDocument } from '../../domain/documents/bill-document.entity';
import { DocumentLine } from '../../domain/documents/document-line.entity';
import { User } from '../../domain/identity/user.entity';
import type { DocType } from '../../domain/ledger/ledger.types';
import type { BillTypeRef } from '../nlp/entities';

export interface UnitRef {
  id: number;
  code: string;
  name: string;
}

/**
 * Read-only lookups the ledger services do not offer (bill-type aliases, unit names in free
 * text, a document by its number). Access checks stay with the services: callers pass ids found
 * here back through them.
 */
export function makeUnitFacts(ds: DataSource) {
  return {
    /** Active bill types with their aliases, for entity extraction. */
    async billTypes(): Promise<BillTypeRef[]> {
      const rows = await ds.getRepository(BillType).find({ where: { active: true }, select: { code: true, name: true, aliases: true } });
      return rows.map((r) => ({ code: r.code, name: r.name, aliases: r.aliases ?? [] }));
    },

    /** The unit whose full name (longest match) appears in text, if any. */
    async unitNamedIn(text: string): Promise<UnitRef | null> {
      const hay = text.normalize('NFKC');
      const units = await ds.getRepository(Unit).find({ select: { id: true, code: true, name: true } });
      let best: UnitRef | null = null;
      for (const u of units) {
        const name = u.name.normalize('NFKC').trim();
        if (Array.from(name).length < 3 || !hay.includes(name)) continue;
        if (!best || name.length > best.name.length) best = { id: u.id, code: u.code, name: u.name };
      }
      return best;
    },

    async unit(id: number): Promise<UnitRef | null> {
      const u = await ds.getRepository(Unit).findOne({ where: { id }, select: { id: true, code: true, name: true } });
      return u ? { id: u.id, code: u.code, name: u.name } : null;
    },

    /** The display name of a user (reporter name on tickets). */
    async userName(userId: number): Promise<string | null> {
      return (await ds.getRepository(User).findOne({ where: { id: userId }, select: { id: true, name: true } }))?.name ?? null;
    },

    /** Id and unit of a document found by its number (SL-2026-000012), or null. */
    async documentByNo(docType: DocType, docNo: string): Promise<{ id: number; unitId: number | null } | null> {
      const d = await ds
        .getRepository(BillDocument)
        .findOne({ where: { docType, docNo: docNo.toUpperCase() }, select: { id: true, unitId: true } });
      return d ? { id: d.id, unitId: d.unitId } : null;
    },

    /** Runs handed over by the issuance of an application (what the unit received). */
    async issuedRuns(
      applicationIds: number[],
    ): Promise<Map<number, Array<{ batchCode: string; startNo: number; endNo: number; count: number }>>> {
      const out = new Map<number, Array<{ batchCode: string; startNo: number; endNo: number; count: number }>>();
      if (applicationIds.length === 0) return out;
      const issuances = await ds
        .getRepository(BillDocument)
        .find({ where: { docType: 'issuance', applicationId: In(applicationIds) }, select: { id: true, applicationId: true } });
      if (issuances.length === 0) return out;
      const lines = await ds
        .getRepository(DocumentLine)
        .find({ where: { documentId: In(issuances.map((i) => i.id)) }, order: { id: 'ASC' } });
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
export type UnitFacts = ReturnType<typeof makeUnitFacts>;
