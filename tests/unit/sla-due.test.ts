import { describe, expect, it } from 'vitest';
import { BUNDLED_CALENDAR, bundledCalendar } from '../../src/domain/desk/sla/bundled-calendar';
import { addDays, makeCalendar, weekdayOf } from '../../src/domain/desk/sla/calendar';
import { computeDue, elapsedCounted, toShanghaiIso, type DueInput } from '../../src/domain/desk/sla/due';
import { DEFAULT_SLA_POLICY as P, slaPolicySchema } from '../../src/domain/desk/sla/sla-policy';

const cal = bundledCalendar();
const at = (local: string) => new Date(`${local}:00+08:00`); // 'YYYY-MM-DDTHH:mm' in Shanghai
const due = (input: Partial<DueInput> & { receivedAt: Date }, c = cal, p = P) => {
  const r = computeDue({ kind: 'response', ...input }, p, c);
  return { ...r, iso: toShanghaiIso(r.dueAt, p) };
};
const range = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
};

// The State Council's 2026 schedule (国办发明电〔2025〕), typed in by hand as a cross-check of the bundle.
const OFFICIAL_2026_HOLIDAYS = [
  ...range('2026-01-01', '2026-01-03'),
  ...range('2026-02-15', '2026-02-23'),
  ...range('2026-04-04', '2026-04-06'),
  ...range('2026-05-01', '2026-05-05'),
  ...range('2026-06-19', '2026-06-21'),
  ...range('2026-09-25', '2026-09-27'),
  ...range('2026-10-01', '2026-10-07'),
];
const OFFICIAL_2026_MAKEUP = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'];
const bundled2026 = (kind: 'holiday' | 'workday') =>
  BUNDLED_CALENDAR.filter((e) => e.kind === kind && e.date.startsWith('2026'))
    .map((e) => e.date)
    .sort();

/** The next working day after `date` per the hand-typed official schedule. */
function officialNextWorkday(date: string): string {
  let d = addDays(date, 1);
  while (!(OFFICIAL_2026_MAKEUP.includes(d) || (!OFFICIAL_2026_HOLIDAYS.includes(d) && weekdayOf(d) % 6 !== 0))) d = addDays(d, 1);
  return d;
}

describe('2026 official calendar', () => {
  it('when the bundle is compared with the hand-typed official 2026 schedule, then holidays and make-up days agree exactly', () => {
    expect(bundled2026('holiday')).toEqual([...OFFICIAL_2026_HOLIDAYS].sort());
    expect(bundled2026('workday')).toEqual([...OFFICIAL_2026_MAKEUP].sort());
    for (const d of OFFICIAL_2026_MAKEUP) expect([0, 6]).toContain(weekdayOf(d));
  });

  it.each(bundled2026('holiday'))(
    'when a report arrives on bundled holiday %s at 10:00, then it is due 09:00 of the next working day',
    (d) => {
      const r = due({ receivedAt: at(`${d}T10:00`) });
      expect(r.rule).toBe('holiday-next-workday');
      expect(r.iso).toBe(`${officialNextWorkday(d)}T09:00:00+08:00`);
      expect(r.explanation).toMatch(/^法定节假日（.+）期间受理，节假日时间不计/);
    },
  );

  it.each(bundled2026('workday'))('when a report arrives on make-up working day %s, then Monday–Friday rules apply', (d) => {
    expect(due({ receivedAt: at(`${d}T08:00`) })).toMatchObject({ rule: 'working-hours-1h', iso: `${d}T09:00:00+08:00` });
    expect(due({ receivedAt: at(`${d}T17:59`) })).toMatchObject({ rule: 'working-hours-1h', iso: `${d}T18:59:00+08:00` });
    expect(due({ receivedAt: at(`${d}T18:00`) })).toMatchObject({ rule: 'off-hours-3h', iso: `${d}T21:00:00+08:00` });
    expect(cal.day(d)).toMatchObject({ kind: 'workday', makeup: true, source: 'bundled' });
  });

  it.each(OFFICIAL_2026_HOLIDAYS)('when the hand-typed holiday %s is looked up, then the calendar calls it a holiday', (d) => {
    expect(cal.isHoliday(d)).toBe(true);
    expect(cal.isWorkingDay(d)).toBe(false);
  });

  it('when every day of 2026 is swept at 07:59, 08:00, 17:59, 18:00 and 22:30, then rule and due time follow the official day type', () => {
    let checked = 0;
    for (const d of range('2026-01-01', '2026-12-31')) {
      const holiday = OFFICIAL_2026_HOLIDAYS.includes(d);
      const working = OFFICIAL_2026_MAKEUP.includes(d) || (!holiday && weekdayOf(d) % 6 !== 0);
      for (const hm of ['07:59', '08:00', '17:59', '18:00', '22:30']) {
        const r = due({ receivedAt: at(`${d}T${hm}`) });
        const t = at(`${d}T${hm}`).getTime();
        const next = addDays(d, 1);
        let expected: string;
        const afterHoliday = OFFICIAL_2026_HOLIDAYS.includes(addDays(d, -1));
        if (holiday) expected = toShanghaiIso(at(`${officialNextWorkday(d)}T09:00`), P);
        else if (afterHoliday && hm < '08:00')
          expected = toShanghaiIso(at(`${d}T09:00`), P); // clock resumes 08:00
        else if (working && hm >= '08:00' && hm < '18:00') expected = toShanghaiIso(new Date(t + 3_600_000), P);
        else if (OFFICIAL_2026_HOLIDAYS.includes(next) && hm === '22:30') {
          expected = toShanghaiIso(at(`${officialNextWorkday(next)}T09:30`), P); // 1.5 h before midnight, 1.5 h after resuming
        } else expected = toShanghaiIso(new Date(t + 3 * 3_600_000), P);
        expect(`${d}T${hm} ${r.iso}`).toBe(`${d}T${hm} ${expected}`);
        checked++;
      }
    }
    expect(checked).toBe(365 * 5);
  });
});

describe('response clock', () => {
  it.each([
    ['2026-03-02T07:59', 'off-hours-3h', '2026-03-02T10:59:00+08:00'],
    ['2026-03-02T08:00', 'working-hours-1h', '2026-03-02T09:00:00+08:00'],
    ['2026-03-02T17:59', 'working-hours-1h', '2026-03-02T18:59:00+08:00'],
    ['2026-03-02T18:00', 'off-hours-3h', '2026-03-02T21:00:00+08:00'],
    ['2026-03-02T23:00', 'off-hours-3h', '2026-03-03T02:00:00+08:00'],
    ['2026-03-07T10:00', 'off-hours-3h', '2026-03-07T13:00:00+08:00'], // ordinary Saturday: the clock runs
    ['2026-03-08T23:30', 'off-hours-3h', '2026-03-09T02:30:00+08:00'],
    ['2026-02-14T10:00', 'working-hours-1h', '2026-02-14T11:00:00+08:00'], // 调休 Saturday
    ['2026-01-04T09:15', 'working-hours-1h', '2026-01-04T10:15:00+08:00'], // 调休 Sunday
    ['2026-09-30T17:30', 'working-hours-1h', '2026-09-30T18:30:00+08:00'], // eve of 国庆
    ['2026-09-30T22:30', 'off-hours-3h', '2026-10-08T09:30:00+08:00'], // 1.5 h + holiday skipped + 1.5 h from 08:00
    ['2026-02-14T22:30', 'off-hours-3h', '2026-02-24T09:30:00+08:00'], // 调休 Saturday evening before 春节
    ['2025-12-31T22:30', 'off-hours-3h', '2026-01-04T09:30:00+08:00'], // year end → 元旦 → 调休 Sunday
    ['2026-10-01T00:00', 'holiday-next-workday', '2026-10-08T09:00:00+08:00'],
    ['2026-10-03T10:00', 'holiday-next-workday', '2026-10-08T09:00:00+08:00'],
    ['2026-10-07T23:59', 'holiday-next-workday', '2026-10-08T09:00:00+08:00'],
    ['2026-10-08T00:30', 'holiday-next-workday', '2026-10-08T09:00:00+08:00'], // night after a holiday: clock resumes 08:00
    ['2026-10-08T07:59', 'holiday-next-workday', '2026-10-08T09:00:00+08:00'],
    ['2026-10-08T08:00', 'working-hours-1h', '2026-10-08T09:00:00+08:00'],
    ['2026-01-01T12:00', 'holiday-next-workday', '2026-01-04T09:00:00+08:00'], // next working day is the 调休 Sunday
  ])('when a report arrives at %s (Shanghai), then the rule is %s and it is due %s', (local, rule, iso) => {
    expect(due({ receivedAt: at(local) })).toMatchObject({ rule, iso });
  });

  it('when the clock crosses a holiday, then the explanation says where it resumed', () => {
    const r = due({ receivedAt: at('2026-09-30T22:30') });
    expect(r.explanation).toBe('非工作时间（晚间、夜间或周末）受理，3 小时内响应；其间法定节假日时间不计，于 2026-10-08 08:00 恢复计时');
    expect(r.countedPeriods.map((p) => [toShanghaiIso(p.from, P), toShanghaiIso(p.to, P)])).toEqual([
      ['2026-09-30T22:30:00+08:00', '2026-10-01T00:00:00+08:00'],
      ['2026-10-08T08:00:00+08:00', '2026-10-08T09:30:00+08:00'],
    ]);
  });

  it('when a report arrives in working hours, then the explanation is the contract wording', () => {
    expect(due({ receivedAt: at('2026-03-02T10:00') }).explanation).toBe('工作日工作时间（08:00–18:00）内受理，1 小时内响应');
    expect(due({ receivedAt: at('2026-10-03T10:00') }).explanation).toBe(
      '法定节假日（国庆节）期间受理，节假日时间不计，自下一工作日 2026-10-08 08:00 起 1 小时内响应',
    );
  });

  it('when the input carries another offset or Z, then it is converted to Shanghai time first', () => {
    expect(due({ receivedAt: new Date('2026-03-02T00:30:00Z') })).toMatchObject({
      rule: 'working-hours-1h',
      iso: '2026-03-02T09:30:00+08:00',
    });
    expect(due({ receivedAt: new Date('2026-03-01T23:59:00Z') })).toMatchObject({ rule: 'off-hours-3h', iso: '2026-03-02T10:59:00+08:00' });
    expect(due({ receivedAt: new Date('2026-03-02T05:00:00-05:00') })).toMatchObject({
      rule: 'off-hours-3h',
      iso: '2026-03-02T21:00:00+08:00',
    });
    expect(due({ receivedAt: new Date('2026-10-02T16:00:00Z') })).toMatchObject({ rule: 'holiday-next-workday' }); // 10-03 00:00 Shanghai
  });
});

describe('pauses', () => {
  const base = { receivedAt: at('2026-03-02T10:00') };
  it('when the ticket waits for the user for 30 minutes, then the due time moves by 30 minutes', () => {
    const r = due({ ...base, pauses: [{ from: at('2026-03-02T10:30'), to: at('2026-03-02T11:00') }] });
    expect(r.iso).toBe('2026-03-02T11:30:00+08:00');
    expect(r.explanation).toContain('等待用户期间暂停计时 30 分钟');
  });
  it('when pauses overlap, are unsorted, start before receipt or are empty, then only the paused counted time is skipped', () => {
    const r = due({
      ...base,
      pauses: [
        { from: at('2026-03-02T10:40'), to: at('2026-03-02T10:50') },
        { from: at('2026-03-02T09:00'), to: at('2026-03-02T10:10') },
        { from: at('2026-03-02T10:45'), to: at('2026-03-02T11:00') },
        { from: at('2026-03-02T12:00'), to: at('2026-03-02T12:00') },
      ],
    });
    expect(r.iso).toBe('2026-03-02T11:30:00+08:00'); // 10 + 20 minutes paused
    expect(toShanghaiIso(r.clockStartsAt, P)).toBe('2026-03-02T10:10:00+08:00');
  });
  it('when a pause overlaps a holiday, then that time is not subtracted twice', () => {
    const r = due({ receivedAt: at('2026-09-30T22:30'), pauses: [{ from: at('2026-09-30T23:30'), to: at('2026-10-08T08:30') }] });
    expect(r.iso).toBe('2026-10-08T10:30:00+08:00'); // 1 h counted before, 30 min paused after resuming, 2 h left
  });
});

describe('on-site and resolution clocks', () => {
  it.each([
    ['2026-03-02T20:00', '2026-03-03T04:00:00+08:00'], // across a night: plain elapsed time
    ['2026-03-07T10:00', '2026-03-07T18:00:00+08:00'], // ordinary Saturday
    ['2026-09-30T20:00', '2026-10-08T12:00:00+08:00'], // 4 h before the holiday, 4 h after 08:00
    ['2026-10-02T15:00', '2026-10-08T16:00:00+08:00'], // decided during the holiday
  ])('when dispatch is decided at %s, then the engineer must arrive by %s', (local, iso) => {
    expect(due({ receivedAt: at(local), kind: 'onsite' })).toMatchObject({ rule: 'onsite-8h', iso });
  });

  it('when a resolution clock runs, then the priority target applies and holidays are skipped', () => {
    expect(due({ receivedAt: at('2026-03-02T10:00'), kind: 'resolution', priority: 'urgent' })).toMatchObject({
      rule: 'resolution-urgent',
      iso: '2026-03-02T14:00:00+08:00',
    });
    expect(due({ receivedAt: at('2026-09-30T10:00'), kind: 'resolution' })).toMatchObject({
      rule: 'resolution-normal',
      iso: '2026-10-08T18:00:00+08:00',
    });
    expect(due({ receivedAt: at('2026-03-06T10:00'), kind: 'resolution', priority: 'low' }).iso).toBe('2026-03-09T10:00:00+08:00');
  });

  it('when elapsed counted time is measured across a holiday and a pause, then only counted time is summed', () => {
    expect(elapsedCounted(at('2026-09-30T22:00'), at('2026-10-08T09:00'), P, cal)).toBe(3 * 3_600_000);
    expect(
      elapsedCounted(at('2026-03-02T10:00'), at('2026-03-02T12:00'), P, cal, [
        { from: at('2026-03-02T11:00'), to: at('2026-03-02T11:15') },
      ]),
    ).toBe(105 * 60_000);
    expect(elapsedCounted(at('2026-03-02T12:00'), at('2026-03-02T10:00'), P, cal)).toBe(0);
  });
});

describe('policy, overrides and unloaded years', () => {
  it('when no policy is stored, then the defaults are the contract and a bad one is rejected', () => {
    expect(P).toMatchObject({
      timeZone: 'Asia/Shanghai',
      workingHours: { start: '08:00', end: '18:00' },
      responseInHoursMinutes: 60,
      responseOffHoursMinutes: 180,
      holidayResumeAt: '08:00',
      onsiteMinutes: 480,
    });
    expect(slaPolicySchema.safeParse({ workingHours: { start: '18:00', end: '08:00' } }).success).toBe(false);
    expect(slaPolicySchema.safeParse({ timeZone: 'UTC' }).success).toBe(false);
    const p = slaPolicySchema.parse({ responseInHoursMinutes: 30, workingHours: { start: '09:00', end: '17:30' } });
    expect(due({ receivedAt: at('2026-03-02T08:30') }, cal, p)).toMatchObject({ rule: 'off-hours-3h' });
    expect(due({ receivedAt: at('2026-03-02T09:00') }, cal, p)).toMatchObject({
      rule: 'working-hours-1h',
      iso: '2026-03-02T09:30:00+08:00',
    });
  });

  it('when working hours are configured to end at midnight and the 1 h clock runs into a holiday, then the rest counts from 08:00', () => {
    const p = slaPolicySchema.parse({ workingHours: { start: '08:00', end: '23:59' } });
    expect(due({ receivedAt: at('2026-09-30T23:30') }, cal, p)).toMatchObject({
      rule: 'working-hours-1h',
      iso: '2026-10-08T08:30:00+08:00',
    });
  });

  it('when the bundle leaves out a weekend inside an old holiday run, then that weekend still does not count', () => {
    // 2015: 劳动节 5/1 (Fri) with the weekend 5/2–5/3 off; the bundle lists only 5/1.
    expect(cal.kind('2015-05-02')).toBe('weekend');
    expect(due({ receivedAt: at('2015-05-02T10:00') })).toMatchObject({ rule: 'holiday-next-workday', iso: '2015-05-04T09:00:00+08:00' });
  });

  it('when an override marks a bundled working day as a holiday, then it wins', () => {
    const c = makeCalendar(BUNDLED_CALENDAR, [{ date: '2026-10-08', kind: 'holiday', name: '调整' }]);
    expect(c.day('2026-10-08')).toMatchObject({ kind: 'holiday', source: 'override' });
    expect(due({ receivedAt: at('2026-10-03T10:00') }, c).iso).toBe('2026-10-09T09:00:00+08:00');
  });

  it('when a lone Friday holiday is followed by an ordinary weekend, then the clock resumes Monday 08:00', () => {
    const c = makeCalendar([], [{ date: '2027-05-07', kind: 'holiday', name: '测试' }]);
    expect(due({ receivedAt: at('2027-05-06T22:00') }, c).iso) // 2 h on Thursday night, 1 h from Monday 08:00
      .toBe('2027-05-10T09:00:00+08:00');
    expect(due({ receivedAt: at('2027-05-08T10:00') }, c)).toMatchObject({
      rule: 'holiday-next-workday',
      iso: '2027-05-10T09:00:00+08:00',
    });
    expect(due({ receivedAt: at('2027-05-15T10:00') }, c)).toMatchObject({ rule: 'off-hours-3h', iso: '2027-05-15T13:00:00+08:00' });
  });

  it('when a year is not loaded, then weekdays/weekends apply and the explanation warns', () => {
    expect(cal.isYearLoaded(2026)).toBe(true);
    expect(cal.isYearLoaded(2027)).toBe(false);
    expect(cal.yearsLoaded()).toContain(2004);
    const r = due({ receivedAt: at('2027-10-01T10:00') });
    expect(r).toMatchObject({ rule: 'working-hours-1h', calendarMissingYears: [2027] });
    expect(r.explanation).toContain('2027 年节假日安排尚未载入');
  });
});
