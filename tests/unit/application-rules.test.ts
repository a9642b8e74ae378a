import { describe, expect, it } from 'vitest';
import { applicationBlockers, graceMonthsOf, type ApplicationFacts } from '../../src/domain/documents/application.rules';

// 分次限量 and 核旧领新 as pure rules over facts read beforehand (domain.md).
const NOW = new Date('2026-03-02T02:00:00Z');
const facts = (o: Partial<ApplicationFacts> = {}): ApplicationFacts => ({
  unit: { code: 'U1', name: '市第一中学', active: true },
  billType: { name: '医疗收费票据', active: true },
  quantity: 100,
  cap: null,
  pendingWriteoff: null,
  oldestHeldIssueBeforeLimit: null,
  latestCutoffDate: null,
  graceMonths: 6,
  now: NOW,
  ...o,
});
const reasons = (f: ApplicationFacts) => applicationBlockers(f).map((b) => b.reason);

describe('application rules', () => {
  it('when nothing blocks, then there is no blocker; without a cap row there is no cap', () => {
    expect(applicationBlockers(facts({ quantity: 10_000_000 }))).toEqual([]);
  });

  it('when the quantity exceeds the cap, then CAP_EXCEEDED names the cap and the quantity; equal to the cap passes', () => {
    const [b] = applicationBlockers(facts({ cap: 500, quantity: 501 }));
    expect(b).toMatchObject({ reason: 'CAP_EXCEEDED', details: [{ maxQuantity: 500, quantity: 501 }] });
    expect(b.message).toContain('每次最多申领 500 份');
    expect(reasons(facts({ cap: 500, quantity: 500 }))).toEqual([]);
  });

  it('when a write-off of the type is submitted or returned, then PENDING_WRITEOFFS says which and what to do', () => {
    const [submitted] = applicationBlockers(facts({ pendingWriteoff: { docNo: 'HX-2026-000003', status: 'submitted' } }));
    expect(submitted).toMatchObject({ reason: 'PENDING_WRITEOFFS' });
    expect(submitted.message).toContain('请等待财政局审核核销');
    const [returned] = applicationBlockers(facts({ pendingWriteoff: { docNo: 'HX-2026-000003', status: 'returned' } }));
    expect(returned.message).toContain('请按退回意见修改后重新上报核销');
  });

  it('when old stock is held and the latest write-off is older than N months (or none), then WRITEOFF_OVERDUE; a recent cut-off clears it', () => {
    const old = new Date('2025-06-01T02:00:00Z');
    const [none] = applicationBlockers(facts({ oldestHeldIssueBeforeLimit: old }));
    expect(none).toMatchObject({
      reason: 'WRITEOFF_OVERDUE',
      details: [{ issuedOn: '2025-06-01', latestCutoffDate: null, notBefore: '2025-09-02' }],
    });
    expect(reasons(facts({ oldestHeldIssueBeforeLimit: old, latestCutoffDate: '2025-09-01' }))).toEqual(['WRITEOFF_OVERDUE']);
    expect(reasons(facts({ oldestHeldIssueBeforeLimit: old, latestCutoffDate: '2025-09-02' }))).toEqual([]);
  });

  it('when several rules block, then they come in the order they are explained: inactive, cap, pending write-off', () => {
    const f = facts({
      unit: { code: 'U1', name: '市第一中学', active: false },
      cap: 10,
      pendingWriteoff: { docNo: 'HX-1', status: 'submitted' },
    });
    expect(reasons(f)).toEqual(['INACTIVE', 'CAP_EXCEEDED', 'PENDING_WRITEOFFS']);
  });

  it('when the region setting of N is missing or not a positive integer, then the default 6 months applies', () => {
    expect([graceMonthsOf(null), graceMonthsOf('abc'), graceMonthsOf('0'), graceMonthsOf('2.5'), graceMonthsOf('12')]).toEqual([
      6, 6, 6, 6, 12,
    ]);
  });
});
