import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, docNoOf, transitionPatch } from '../../src/domain/documents/lifecycle';
import { DOC_STATUSES } from '../../src/domain/ledger/ledger.types';

// The shared life cycle of domain.md: draft → submitted → approved | returned → completed; submitted → draft.
describe('document life cycle', () => {
  it('when every pair of statuses is tried, then exactly the edges of the life cycle are allowed', () => {
    const allowed = DOC_STATUSES.flatMap((from) => DOC_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    expect(allowed.sort()).toEqual(
      [
        'draft>submitted',
        'draft>cancelled',
        'submitted>approved',
        'submitted>returned',
        'submitted>draft',
        'approved>issued',
        'approved>completed',
        'approved>cancelled',
        'returned>submitted',
        'returned>cancelled',
      ].sort(),
    );
  });

  it('when a move is not allowed, then 409 STATE_NOT_ALLOWED names the document and both statuses in Chinese', () => {
    expect(() => assertTransition({ docType: 'writeoff', docNo: 'HX-2026-000001', status: 'approved' }, 'returned')).toThrow(
      expect.objectContaining({
        reason: 'STATE_NOT_ALLOWED',
        message: '核销单 HX-2026-000001 当前状态为「已审核通过」，不能变为「已退回」',
      }),
    );
  });

  it('when reviewed, submitted or completed, then the patch stamps who and when; an opinion only when given', () => {
    const at = new Date('2026-03-02T02:00:00Z');
    expect(transitionPatch('approved', { actorId: 7, at, opinion: '同意' })).toEqual({
      status: 'approved',
      reviewedAt: at,
      reviewedBy: 7,
      opinion: '同意',
    });
    expect(transitionPatch('returned', { actorId: 7, at })).toEqual({ status: 'returned', reviewedAt: at, reviewedBy: 7 });
    expect(transitionPatch('submitted', { actorId: 7, at })).toEqual({ status: 'submitted', submittedAt: at, submittedBy: 7 });
    expect(transitionPatch('issued', { actorId: 7, at })).toEqual({ status: 'issued', completedAt: at });
  });

  it('when numbered, then the prefix, the Shanghai year of creation and six digits: New Year’s Eve 23:00 Beijing time is still the old year', () => {
    expect(docNoOf('application', new Date('2026-12-31T15:00:00Z'), 12)).toBe('SL-2026-000012');
    expect(docNoOf('application', new Date('2026-12-31T16:00:00Z'), 12)).toBe('SL-2027-000012');
    expect(docNoOf('destruction', new Date('2026-03-02T02:00:00Z'), 1234567)).toBe('XH-2026-1234567');
  });
});
