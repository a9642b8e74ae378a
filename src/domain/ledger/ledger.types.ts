export const HOLDERS = ['bureau', 'unit'] as const;
export type HolderKind = (typeof HOLDERS)[number];

/** Range states of domain.md's state machine. */
export const RANGE_STATES = ['IN_STOCK', 'USED', 'VOIDED', 'LOST', 'WRITTEN_OFF', 'STOCK_VOIDED', 'DESTROYED'] as const;
export type RangeState = (typeof RANGE_STATES)[number];

export const DOC_TYPES = ['print_plan', 'application', 'issuance', 'writeoff', 'return', 'stock_void', 'destruction'] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** Shared life cycle; applications add `issued`, print plans and destructions end `completed`. */
export const DOC_STATUSES = ['draft', 'submitted', 'approved', 'returned', 'issued', 'completed', 'cancelled'] as const;
export type DocStatus = (typeof DOC_STATUSES)[number];

export const LINE_KINDS = ['used', 'voided', 'lost', 'return', 'stock_void', 'destroy', 'issue'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

export const WRITEOFF_RESULTS = ['良好', '合格', '问题', '整改通过'] as const;
export type WriteoffResult = (typeof WRITEOFF_RESULTS)[number];

/** Where a run of numbers sits: who holds it and in which state. */
export interface Place {
  holder: HolderKind;
  unitId: number | null;
  state: RangeState;
}

/** The bureau warehouse's blank stock. */
export const BUREAU_STOCK: Place = { holder: 'bureau', unitId: null, state: 'IN_STOCK' };
