import { afterAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../src/domain/db/dialect';
import { DocumentSubmittedBy1796519572502 } from '../../src/domain/db/migrations/1796519572502-DocumentSubmittedBy';
import { BillDocument } from '../../src/domain/documents/bill-document.entity';
import { olderDatabase } from '../helpers/older-database';

describe('the DocumentSubmittedBy migration', () => {
  const db = olderDatabase(DocumentSubmittedBy1796519572502);
  afterAll(() => db.drop());

  it('when an older database is migrated, then each document records who last submitted it, and one never submitted records no one', async () => {
    // The schema before the column, with documents and their histories as the old service wrote them.
    const old = await db.older();
    const dialect = dialectOf(old);
    const at = '2026-03-02T02:00:00.000Z';
    const doc = async (docNo: string, status: string, createdBy: number): Promise<number> => {
      const sql = dialect.sql();
      await old.query(
        `INSERT INTO "bill_document" ("docType", "docNo", "billTypeId", "status", "quantity", "createdBy", "createdAt")
         VALUES (${sql.p('application')}, ${sql.p(docNo)}, ${sql.p(1)}, ${sql.p(status)}, ${sql.p(10)}, ${sql.p(createdBy)}, ${sql.p(at)})`,
        sql.params,
      );
      const sel = dialect.sql();
      const [row] = await old.query<Array<{ id: number | string }>>(
        `SELECT "id" FROM "bill_document" WHERE "docNo" = ${sel.p(docNo)}`,
        sel.params,
      );
      return Number(row.id);
    };
    const step = async (documentId: number, fromStatus: string | null, toStatus: string, actorId: number) => {
      const sql = dialect.sql();
      await old.query(
        `INSERT INTO "document_transition" ("documentId", "fromStatus", "toStatus", "actorId", "at")
         VALUES (${sql.p(documentId)}, ${sql.p(fromStatus)}, ${sql.p(toStatus)}, ${sql.p(actorId)}, ${sql.p(at)})`,
        sql.params,
      );
    };
    // Submitted by its maker (7), returned, then submitted again by a colleague (9).
    const resubmitted = await doc('SL-2026-000001', 'submitted', 7);
    await step(resubmitted, null, 'submitted', 7);
    await step(resubmitted, 'submitted', 'returned', 2);
    await step(resubmitted, 'returned', 'submitted', 9);
    const once = await doc('SL-2026-000002', 'approved', 8);
    await step(once, null, 'submitted', 8);
    await step(once, 'submitted', 'approved', 2);
    const draft = await doc('JH-2026-000003', 'draft', 5);
    await step(draft, null, 'draft', 5);
    await old.destroy();

    const ds = await db.current();
    expect(await ds.showMigrations()).toBe(false);
    const rows = await ds.getRepository(BillDocument).find({ order: { id: 'ASC' } });
    expect(rows.map((d) => [d.docNo, d.submittedBy])).toEqual([
      ['SL-2026-000001', 9],
      ['SL-2026-000002', 8],
      ['JH-2026-000003', null],
    ]);
  });
});
