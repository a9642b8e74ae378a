import { describe, expect, it } from 'vitest';
import { nextWorkingDayAt, workingDayAt } from '../../src/domain/desk/records/return-visit.schedule';
import { clockTiming, scaledPolicy } from '../../src/domain/desk/sla-timing';
import { BUNDLED_CALENDAR, bundledCalendar } from '../../src/domain/desk/sla/bundled-calendar';
import { makeCalendar } from '../../src/domain/desk/sla/calendar';
import { formatMinutes, inHolidayTime, toShanghaiIso } from '../../src/domain/desk/sla/due';
import { DEFAULT_SLA_POLICY as P, slaPolicySchema } from '../../src/domain/desk/sla/sla-policy';

const cal = bundledCalendar();
const at = (local: string) => new Date(`${local}:00+08:00`); // 'YYYY-MM-DDTHH:mm' in Shanghai
const iso = (d: Date) => toShanghaiIso(d, P);
const MIN = 60_000;

/** A clock's timing under the contract's policy, instants in Shanghai ISO. */
function timing(
  q: {
    startedAt: Date;
    kind: 'response' | 'onsite' | 'resolution';
    priority?: 'urgent' | 'high' | 'normal' | 'low';
    pauses?: Array<{ from: Date; to: Date }>;
  },
  policy = P,
) {
  const t = clockTiming(policy, { pauses: [], calendar: cal, ...q });
  return { rule: t.rule, dueAt: iso(t.dueAt), warnAt: iso(t.warnAt), pausedMs: t.pausedMs };
}

describe('clock timing: the 80 % warning', () => {
  it.each([
    ['2026-03-02T10:00', 'working-hours-1h', '2026-03-02T10:48:00+08:00', '2026-03-02T11:00:00+08:00'], // 48 of 60 min
    ['2026-03-02T20:00', 'off-hours-3h', '2026-03-02T22:24:00+08:00', '2026-03-02T23:00:00+08:00'], // 144 of 180 min
    ['2026-09-30T22:30', 'off-hours-3h', '2026-10-08T08:54:00+08:00', '2026-10-08T09:30:00+08:00'], // 90 min before 国庆, the rest from 08:00
    ['2026-10-03T10:00', 'holiday-next-workday', '2026-10-08T08:48:00+08:00', '2026-10-08T09:00:00+08:00'],
  ])('when a report arrives at %s, then the rule is %s, the warning falls at %s and the due time at %s', (local, rule, warnAt, dueAt) => {
    expect(timing({ startedAt: at(local), kind: 'response' })).toEqual({ rule, warnAt, dueAt, pausedMs: 0 });
  });

  it('when a normal resolution clock starts on Monday morning, then it warns after 19 h 12 min of its 24 h', () => {
    expect(timing({ startedAt: at('2026-03-02T10:00'), kind: 'resolution' })).toMatchObject({
      rule: 'resolution-normal',
      warnAt: '2026-03-03T05:12:00+08:00',
      dueAt: '2026-03-03T10:00:00+08:00',
    });
  });

  it('when dispatch is decided, then the on-site clock warns after 6 h 24 min of its 8 h', () => {
    expect(timing({ startedAt: at('2026-03-02T10:00'), kind: 'onsite' })).toMatchObject({
      rule: 'onsite-8h',
      warnAt: '2026-03-02T16:24:00+08:00',
      dueAt: '2026-03-02T18:00:00+08:00',
    });
  });

  it('when the policy warns at 50 %, then the warning falls half-way', () => {
    const p = slaPolicySchema.parse({ warnAtPercent: 50 });
    expect(timing({ startedAt: at('2026-03-02T10:00'), kind: 'response' }, p).warnAt).toBe('2026-03-02T10:30:00+08:00');
  });

  it('when a share of a target is not a whole number of seconds, then it is rounded to whole seconds', () => {
    const p = scaledPolicy(slaPolicySchema.parse({ responseInHoursMinutes: 1, onsiteMinutes: 7 }), 33);
    expect(p.responseInHoursMinutes * 60).toBe(20); // 19.8 s
    expect(p.onsiteMinutes * 60).toBe(139); // 138.6 s
    expect(p.resolutionMinutes.urgent * 60).toBe(4752); // 240 min × 33 %
    const t = clockTiming(slaPolicySchema.parse({ responseInHoursMinutes: 1, warnAtPercent: 33 }), {
      startedAt: at('2026-03-02T10:00'),
      kind: 'response',
      pauses: [],
      calendar: cal,
    });
    expect(t.warnAt.getTime() - at('2026-03-02T10:00').getTime()).toBe(20_000);
  });
});

describe('clock timing: pauses', () => {
  it('when the ticket waits 30 minutes for the user, then due and warning move by 30 minutes, recorded as paused', () => {
    expect(
      timing({
        startedAt: at('2026-03-02T10:00'),
        kind: 'response',
        pauses: [{ from: at('2026-03-02T10:30'), to: at('2026-03-02T11:00') }],
      }),
    ).toEqual({ rule: 'working-hours-1h', warnAt: '2026-03-02T11:18:00+08:00', dueAt: '2026-03-02T11:30:00+08:00', pausedMs: 30 * MIN });
  });

  it('when a pause spans a holiday, then only its counted time is recorded as paused, not the days of the holiday', () => {
    // 23:30–24:00 before 国庆 and 08:00–08:30 after it count; the week between does not.
    expect(
      timing({
        startedAt: at('2026-09-30T22:30'),
        kind: 'response',
        pauses: [{ from: at('2026-09-30T23:30'), to: at('2026-10-08T08:30') }],
      }),
    ).toEqual({ rule: 'off-hours-3h', warnAt: '2026-10-08T09:54:00+08:00', dueAt: '2026-10-08T10:30:00+08:00', pausedMs: 60 * MIN });
  });

  it('when two pauses overlap, then the overlap is paused once', () => {
    const t = timing({
      startedAt: at('2026-03-02T10:00'),
      kind: 'response',
      pauses: [
        { from: at('2026-03-02T10:10'), to: at('2026-03-02T10:30') },
        { from: at('2026-03-02T10:20'), to: at('2026-03-02T10:40') },
      ],
    });
    expect(t).toMatchObject({ dueAt: '2026-03-02T11:30:00+08:00', pausedMs: 30 * MIN });
  });
});

describe('holiday time and durations', () => {
  it.each([
    ['2026-10-03T10:00', true], // 国庆
    ['2026-10-08T07:59', true], // after a holiday, before the clock resumes at 08:00
    ['2026-10-08T08:00', false],
    ['2026-03-07T10:00', false], // an ordinary Saturday counts (off-hours)
    ['2026-02-14T10:00', false], // 调休 Saturday
  ])('when the instant is %s, then it is holiday time: %s', (local, expected) => {
    expect(inHolidayTime(at(local), P, cal)).toBe(expected);
  });

  it.each([
    [0, '0 分钟'],
    [45, '45 分钟'],
    [60, '1 小时'],
    [90, '1 小时 30 分钟'],
    [1440, '24 小时'],
  ])('when %i minutes are shown, then they read %s', (m, text) => {
    expect(formatMinutes(m)).toBe(text);
  });

  it('when an override and the bundle name the same date, then the year lists it once, from the override', () => {
    const c = makeCalendar(BUNDLED_CALENDAR, [
      { date: '2026-10-08', kind: 'holiday', name: '调整' },
      { date: '2031-01-02', kind: 'holiday', name: null },
    ]);
    const days = c.specialDays(2026).filter((d) => d.date >= '2026-10-07' && d.date <= '2026-10-10');
    expect(days).toEqual([
      { date: '2026-10-07', kind: 'holiday', name: '国庆节', source: 'bundled' },
      { date: '2026-10-08', kind: 'holiday', name: '调整', source: 'override' },
      { date: '2026-10-10', kind: 'workday', name: '国庆节', source: 'bundled' },
    ]);
    expect(c.isYearLoaded(2031)).toBe(true);
    expect(c.yearsLoaded().at(-1)).toBe(2031);
  });
});

describe('return-visit day', () => {
  it.each([
    ['2026-09-30T15:00', '2026-10-08T10:00:00+08:00'], // before 国庆: the first working day after it
    ['2026-10-09T15:00', '2026-10-10T10:00:00+08:00'], // Friday before a 调休 Saturday
    ['2026-03-06T15:00', '2026-03-09T10:00:00+08:00'], // Friday before an ordinary weekend
    ['2026-03-03T01:00', '2026-03-04T10:00:00+08:00'], // the Shanghai date counts, not the UTC one
  ])('when a ticket is resolved at %s, then its survey is due %s', (local, expected) => {
    expect(iso(nextWorkingDayAt(cal, at(local)))).toBe(expected);
  });

  it('when the planned day is a holiday, then the visit moves to the next working day at 10:00', () => {
    expect(iso(workingDayAt(cal, '2026-10-01'))).toBe('2026-10-08T10:00:00+08:00');
    expect(iso(workingDayAt(cal, '2026-10-08', '09:30'))).toBe('2026-10-08T09:30:00+08:00');
  });
});
