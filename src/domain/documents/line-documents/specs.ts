import { ValidationError } from '../../errors';
import type { RangeState } from '../../ledger/ledger.types';
import { shanghaiDate } from '../lifecycle';
import type {
  CreateReturnInput,
  CreateStockVoidInput,
  CreateWriteoffInput,
  LineInput,
  ResubmitWriteoffInput,
} from '../line-documents.schemas';
import type { DocLine } from './lines';
import { holderName, placeOf, type LineDocSpec } from './spec';

/** The unit-held state a reported line is parked in until review. */
const REPORTED: Record<string, RangeState> = { used: 'USED', voided: 'VOIDED', lost: 'LOST' };

/** Turns the three lists of the write-off form into kinded lines (used, then voided, then lost). */
function writeoffLines(w: { used?: LineInput[]; voided?: LineInput[]; lost?: LineInput[] }): DocLine[] {
  return [
    ...(w.used ?? []).map((l) => ({ ...l, kind: 'used' as const })),
    ...(w.voided ?? []).map((l) => ({ ...l, kind: 'voided' as const })),
    ...(w.lost ?? []).map((l) => ({ ...l, kind: 'lost' as const })),
  ];
}

/** 核销: the unit reports used/voided/lost runs (parked at the unit); the bureau writes them off or returns them. */
export const writeoffSpec: LineDocSpec<CreateWriteoffInput, ResubmitWriteoffInput> = {
  docType: 'writeoff',
  audit: 'writeoff',
  permissions: { request: 'writeoff.report', review: 'writeoff.approve' },
  holder: 'unit',
  lines: (input) =>
    'unitCode' in input || input.used !== undefined || input.voided !== undefined || input.lost !== undefined
      ? writeoffLines(input)
      : undefined,
  fields: (input, stored) => ({
    cutoffDate: input.cutoffDate ?? stored?.cutoffDate ?? null,
    amount: input.amount ?? stored?.amount ?? null,
  }),
  validate(fields, at) {
    const today = shanghaiDate(at);
    if (fields.cutoffDate && fields.cutoffDate > today)
      throw new ValidationError('INVALID_INPUT', `截止日期 ${fields.cutoffDate} 不能晚于今天（${today}）`);
  },
  submitFrom: ['IN_STOCK'],
  notThere: () => '不在本单位库存中',
  park: {
    state: (l) => REPORTED[l.kind],
    operation: 'writeoff.report',
    undo: { reject: 'writeoff.reject', withdraw: 'writeoff.withdraw' },
  },
  approve: { to: (_l, unitId) => placeOf(unitId, 'WRITTEN_OFF'), operation: 'writeoff.approve' },
  resubmittable: true,
};

/** 申退: the unit asks to return unused bills; they stay reserved at the unit until the bureau approves. */
export const returnSpec: LineDocSpec<CreateReturnInput> = {
  docType: 'return',
  audit: 'return',
  permissions: { request: 'return.request', review: 'return.approve' },
  holder: 'unit',
  lines: (input) => input.lines.map((l) => ({ ...l, kind: 'return' as const })),
  fields: (input) => ({ reason: input.reason }),
  submitFrom: ['IN_STOCK'],
  notThere: () => '不在本单位库存中',
  approve: { to: () => placeOf(null, 'IN_STOCK'), operation: 'return' },
};

/** 库存作废 (e.g. 换版): blank stock at the bureau or a unit becomes STOCK_VOIDED once the bureau approves. */
export const stockVoidSpec: LineDocSpec<CreateStockVoidInput> = {
  docType: 'stock_void',
  audit: 'stock-void',
  permissions: { request: 'stock-void.request', review: 'stock-void.approve' },
  holder: 'either',
  lines: (input) => input.lines.map((l) => ({ ...l, kind: 'stock_void' as const })),
  fields: (input) => ({ reason: input.reason }),
  submitFrom: ['IN_STOCK'],
  notThere: (unitId) => `不在${holderName(unitId)}库存中`,
  approve: { to: (_l, unitId) => placeOf(unitId, 'STOCK_VOIDED'), operation: 'stock_void' },
};
