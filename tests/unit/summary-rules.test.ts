import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors';
import { normaliseQuestion, ratio, type FigureReads } from '../../src/domain/summaries/desk-figures';
import { faultFigures } from '../../src/domain/summaries/ops-figures';
import { previousPeriod, shanghaiDay, summaryPeriod } from '../../src/domain/summaries/summary-period';
import { changeText } from '../../src/domain/summaries/weekly-figures';
import type { Incident } from '../../src/domain/monitoring/incident.entity';

describe('summary periods (Asia/Shanghai, whatever the server time zone)', () => {
  it('when the weekly run fires on Monday morning, then it covers last Monday to Sunday, 7 days, [Mon 00:00, next Mon 00:00) Shanghai', () => {
    const p = summaryPeriod('weekly', new Date('2026-03-16T00:30:00Z')); // Monday 08:30 in Shanghai
    expect(p).toMatchObject({ kind: 'weekly', start: '2026-03-09', end: '2026-03-15' });
    expect(p.days).toHaveLength(7);
    expect(p.startAt.toISOString()).toBe('2026-03-08T16:00:00.000Z');
    expect(p.endAt.toISOString()).toBe('2026-03-15T16:00:00.000Z');
  });

  it('when it is still Sunday in Shanghai, then the last complete week is the one before', () => {
    expect(summaryPeriod('weekly', new Date('2026-03-15T15:59:00Z')).start).toBe('2026-03-02');
    expect(summaryPeriod('weekly', new Date('2026-03-15T16:00:00Z')).start).toBe('2026-03-09');
  });

  it('when the monthly run fires on the 1st, then it covers the whole previous month, February included', () => {
    const p = summaryPeriod('monthly', new Date('2026-03-01T01:00:00Z'));
    expect(p).toMatchObject({ start: '2026-02-01', end: '2026-02-28' });
    expect(p.days).toHaveLength(28);
    expect(summaryPeriod('monthly', new Date('2024-03-01T01:00:00Z')).days).toHaveLength(29);
  });

  it('when a date is given, then the period containing it is chosen; a bad date is a validation error', () => {
    expect(summaryPeriod('weekly', new Date(), '2026-03-11')).toMatchObject({ start: '2026-03-09', end: '2026-03-15' });
    expect(summaryPeriod('monthly', new Date(), '2026-02-28')).toMatchObject({ start: '2026-02-01', end: '2026-02-28' });
    expect(() => summaryPeriod('weekly', new Date(), '2026-02-30')).toThrow(ValidationError);
  });

  it('when the previous period is asked, then it is the one just before, across a year boundary too', () => {
    expect(previousPeriod(summaryPeriod('weekly', new Date(), '2026-01-01'))).toMatchObject({ start: '2025-12-22', end: '2025-12-28' });
    expect(previousPeriod(summaryPeriod('monthly', new Date(), '2026-01-15'))).toMatchObject({ start: '2025-12-01', end: '2025-12-31' });
  });

  it('when an instant is near midnight UTC, then its Shanghai day is the next one', () => {
    expect(shanghaiDay(new Date('2026-03-15T16:30:00Z'))).toBe('2026-03-16');
  });
});

describe('summary comparison and figures', () => {
  it('when counts change, then the change is in percent; rates in percentage points; nothing to compare is —', () => {
    expect(changeText('count', 12, 10)).toBe('↑20%');
    expect(changeText('count', 8, 10)).toBe('↓20%');
    expect(changeText('count', 10, 10)).toBe('持平');
    expect(changeText('count', 3, 0)).toBe('新增');
    expect(changeText('count', 1001, 1000)).toBe('↑<1%');
    expect(changeText('count', 999, 1000)).toBe('↓<1%');
    expect(changeText('rate', 0.9, 0.869)).toBe('↑3.1个百分点');
    expect(changeText('rate', 0.5, 0.5)).toBe('持平');
    expect(changeText('minutes', null, 3)).toBe('—');
  });

  it('when a ratio has no denominator, then it is null; else rounded to four places', () => {
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(2, 3)).toBe(0.6667);
  });

  it('when questions differ only in width, case, spaces or punctuation, then they fold to one', () => {
    expect(normaliseQuestion('怎么 开票？')).toBe(normaliseQuestion('怎么开票?'));
    expect(normaliseQuestion('ＡＢＣ ｄ')).toBe('abcd');
  });

  it('when incidents overlap, then the downtime counts the overlap once and stops at now; the count is incidents begun in the period', async () => {
    const p = summaryPeriod('weekly', new Date(), '2026-03-11'); // [2026-03-08T16:00Z, 2026-03-15T16:00Z)
    const inc = (from: string, to: string | null): Incident =>
      ({ firstFiringAt: new Date(from), resolvedAt: to ? new Date(to) : null, state: to ? 'resolved' : 'firing' }) as Incident;
    const reads = {
      incidentsBegunBefore: async () => [
        inc('2026-03-08T15:00:00Z', '2026-03-08T16:30:00Z'), // began before the period: 30 min inside it
        inc('2026-03-10T00:00:00Z', '2026-03-10T01:00:00Z'),
        inc('2026-03-10T00:30:00Z', '2026-03-10T01:30:00Z'), // overlaps the one before: 90 min together
        inc('2026-03-12T00:00:00Z', null), // still firing: counted up to now
        inc('2026-03-01T00:00:00Z', '2026-03-01T01:00:00Z'), // over before the period
      ],
    } as unknown as FigureReads;
    const f = await faultFigures(reads, p, new Date('2026-03-12T00:10:00Z'));
    expect(f).toEqual({ count: 3, downtimeMinutes: 30 + 90 + 10, openAtEnd: 1 });
  });
});
