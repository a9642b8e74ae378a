import { z } from 'zod';
import type { BillType } from '../catalog/bill-type.entity';
import type { Unit } from '../catalog/unit.entity';
import type { Clock } from '../clock';
import type { DomainStore, Repositories } from '../db/repositories';
import { awaitedLater } from '../common/awaited-later';
import { NotFoundError } from '../errors';
import type { Actor } from '../identity/actor';
import { createApplicationSchema } from '../ledger/ledger.schemas';
import { assertUnitAccess, requirePermission } from '../policy';
import { applicationBlockers, type Blocker, graceMonthsOf, oldStockLimit, WRITEOFF_GRACE_MONTHS_KEY } from './application.rules';

/** The figures and rule results shown before an application is submitted or approved. */
export const applicationCheckSchema = z
  .object({
    unit: z.object({ code: z.string(), name: z.string() }),
    billType: z.object({ code: z.string(), name: z.string() }),
    quantity: z.number().int(),
    /** 分次限量 of this unit and bill type; null = no cap. */
    cap: z.number().int().nullable(),
    /** Rules that refuse the application (cap, 核旧领新, inactive), each with its reason and Chinese message. */
    blockers: z.array(z.object({ reason: z.string(), message: z.string(), details: z.array(z.unknown()) })),
    /** The unit's write-offs of this type that are submitted or returned and not approved (what 核旧领新 waits for). */
    pendingWriteoffs: z.array(z.object({ docNo: z.string(), status: z.string() })),
    /** Counts only: the warehouse's batches and ranges are the bureau's business. */
    warehouse: z.object({
      inStock: z.number().int(),
      /** Already promised to other approved, not yet issued applications of this type. */
      promised: z.number().int(),
      available: z.number().int(),
      sufficient: z.boolean(),
    }),
    /** No rule refuses it: it may be submitted (the warehouse is checked at approval). */
    canSubmit: z.boolean(),
  })
  .strict();
/** The reading, with each blocker's reason typed as the domain's (the schema sends it as a string). */
export type ApplicationCheck = Omit<z.infer<typeof applicationCheckSchema>, 'blockers'> & { blockers: Blocker[] };

/** What to check: the body of a new application, without its reason. */
export const applicationCheckInputSchema = createApplicationSchema.omit({ reason: true });
export type ApplicationCheckInput = z.infer<typeof applicationCheckInputSchema>;

type Reads = Pick<Repositories, 'catalog' | 'documents' | 'ledger' | 'settings'>;

/**
 * The write-off grace setting the checks read: a caller may start it with its own first reads
 * (the unit and the bill type), so it costs no round trip of its own, and pass it in.
 */
export function readGraceSetting(tx: Pick<Repositories, 'settings'>): Promise<string | null> {
  return awaitedLater(tx.settings.get(WRITEOFF_GRACE_MONTHS_KEY));
}

/**
 * One reading of the checks, inside any transaction (the operators' card is written in the
 * submission's own transaction, where the new application is not yet visible to others). The
 * application service refuses on the same reading's blockers, so a submission reads the rules'
 * facts once for both: 3 statements (the grace setting, the facts, the pending write-offs), where
 * checking and then carding once read 14.
 */
export async function readApplicationCheck(
  tx: Reads,
  unit: Unit,
  bt: BillType,
  quantity: number,
  excludeDocId: number | null,
  now: Date,
  graceSetting: Promise<string | null> = readGraceSetting(tx),
): Promise<ApplicationCheck> {
  const graceMonths = graceMonthsOf(await graceSetting);
  const [facts, pending] = await Promise.all([
    tx.documents.applicationFacts(unit.id, bt.id, oldStockLimit(now, graceMonths), excludeDocId ?? 0),
    tx.documents.allOf({ docType: 'writeoff', unitId: unit.id, billTypeId: bt.id, statuses: ['submitted', 'returned'] }),
  ]);
  const { cap, held: inStock, promised } = facts;
  const blockers = applicationBlockers({
    unit,
    billType: bt,
    quantity,
    cap,
    // The oldest pending write-off is the one 核旧领新 names.
    pendingWriteoff: pending[0] ? { docNo: pending[0].docNo, status: pending[0].status } : null,
    oldestHeldIssueBeforeLimit: facts.oldestHeldIssue,
    latestCutoffDate: facts.latestCutoffDate,
    graceMonths,
    now,
  });
  const available = Math.max(0, inStock - promised);
  return {
    unit: { code: unit.code, name: unit.name },
    billType: { code: bt.code, name: bt.name },
    quantity,
    cap,
    blockers,
    pendingWriteoffs: pending.map((d) => ({ docNo: d.docNo, status: d.status })),
    warehouse: { inStock, promised, available, sufficient: available >= quantity },
    canSubmit: blockers.length === 0,
  };
}

/**
 * The same checks the application service runs (cap, 核旧领新) plus the warehouse's availability, as
 * data: the web form shows them before submitting, the bot before its confirmation card, and the
 * operators' cards and inbox before approving. One reading, so the three always agree.
 */
export function makeApplicationChecks(deps: { store: DomainStore; clock: Clock }) {
  const r = deps.store.read;
  const checkFor = (tx: Reads, unit: Unit, bt: BillType, quantity: number, excludeDocId: number | null) =>
    readApplicationCheck(tx, unit, bt, quantity, excludeDocId, deps.clock.now());

  return {
    /** Checks an application before it exists. Unit staff may check only for their own unit (403 OTHER_UNIT). */
    async preview(actor: Actor, input: ApplicationCheckInput): Promise<ApplicationCheck> {
      requirePermission(actor, 'application.read');
      const unit = await r.catalog.unitByCode(input.unitCode);
      assertUnitAccess(actor, unit.id);
      const bt = await r.catalog.billTypeByCode(input.billTypeCode);
      return checkFor(r, unit, bt, input.quantity, null);
    },

    /** Checks an existing application as it stands now (its own promise is not counted against it). */
    async ofApplication(actor: Actor, id: number): Promise<ApplicationCheck> {
      requirePermission(actor, 'application.read');
      const doc = await r.documents.findById('application', id);
      // An application always names its unit; a row without one is treated as missing.
      if (!doc || doc.unitId === null) throw new NotFoundError('DOCUMENT_NOT_FOUND', `申领单 ${id} 不存在`);
      assertUnitAccess(actor, doc.unitId);
      const [unit, bt] = await Promise.all([r.catalog.unitById(doc.unitId), r.catalog.billTypeById(doc.billTypeId)]);
      if (!unit) throw new NotFoundError('DOCUMENT_NOT_FOUND', `申领单 ${id} 不存在`);
      return checkFor(r, unit, bt, doc.quantity ?? 0, doc.id);
    },
  };
}
export type ApplicationChecks = ReturnType<typeof makeApplicationChecks>;
