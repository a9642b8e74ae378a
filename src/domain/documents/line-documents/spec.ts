import type { BillType } from '../../catalog/bill-type.entity';
import type { Repositories } from '../../db/repositories';
import type { Place, RangeState } from '../../ledger/ledger.types';
import type { Permission } from '../../policy';
import type { BillDocument } from '../bill-document.entity';
import type { DocLine } from './lines';

/** The four documents whose body is ranges of numbers (核销单, 申退单, 库存作废单, 销毁单). */
export type LineDocType = 'writeoff' | 'return' | 'stock_void' | 'destruction';

/** What every create input names: whose numbers, of which bill type. */
export interface LineDocCreate {
  billTypeCode: string;
  unitCode?: string;
  holder?: 'bureau' | 'unit';
}

/** Where a holder's numbers sit in a given state (unitId null = the bureau). */
export const placeOf = (unitId: number | null, state: RangeState): Place => ({
  holder: unitId === null ? 'bureau' : 'unit',
  unitId,
  state,
});

/** Chinese name of where the numbers are held, for messages. */
export const holderName = (unitId: number | null): string => (unitId === null ? '财政局' : '本单位');

/** What a spec's extra check is told. */
export interface CheckContext {
  tx: Repositories;
  bt: BillType;
  unitId: number | null;
  lines: DocLine[];
  /** The document's fields as they will be stored (a resubmit's merged with the earlier ones). */
  fields: Partial<BillDocument>;
  at: Date;
  phase: 'submit' | 'approve';
}

/**
 * A line document described as data: who may do what, where its numbers must be, and what each
 * step moves in the ledger. One workflow (workflow.ts) and one route generator run all four.
 */
export interface LineDocSpec<Create extends LineDocCreate, Resubmit = never> {
  docType: LineDocType;
  /** Prefix of audit actions (`writeoff.submit`, `stock-void.approve` …). */
  audit: string;
  permissions: { request: Permission; review: Permission };
  /** 'unit': always a unit's numbers; 'either': `input.holder` says the bureau's or a unit's. */
  holder: 'unit' | 'either';
  /** The lines of a create or resubmit input (a resubmit without lines keeps the stored ones). */
  lines(input: Create | Resubmit): DocLine[] | undefined;
  /** The document fields of a create input, or of a resubmit merged with the stored document. */
  fields(input: Create | Resubmit, stored?: BillDocument): Partial<BillDocument>;
  /** The opinion of the first transition (the destruction's 监销人). */
  firstOpinion?(input: Create): string | null;
  /** States the numbers must be in, at the holder, to be submitted. */
  submitFrom: readonly RangeState[];
  /** Completes 「…的号码 x-y」 when some are not there. */
  notThere(unitId: number | null): string;
  /** Checks of the document's own fields (before its lines are looked at). */
  validate?(fields: Partial<BillDocument>, at: Date): void;
  /** Rules beyond "the numbers are there", checked at submit and again at approval. */
  check?(c: CheckContext): Promise<void>;
  /** Submitting parks the numbers in another state at the holder (write-offs); otherwise they are only reserved. */
  park?: { state(line: DocLine): RangeState; operation: string; undo: { reject: string; withdraw: string } };
  /** Approval moves every number from where it is to `to`, journalled as `operation`. */
  approve: { to(line: DocLine, unitId: number | null): Place; operation: string };
  /** The requester may take a submitted document back (撤销上报) and submit it again (write-offs). */
  resubmittable?: boolean;
}
