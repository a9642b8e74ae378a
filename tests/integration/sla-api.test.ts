import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEntry } from '../../src/domain/audit/audit-entry.entity';
import { CalendarDay } from '../../src/domain/desk/sla/calendar-day.entity';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('SLA API', () => {
  let t: TestApp;
  let engineer: string;
  let operator: string;
  beforeAll(async () => {
    t = await startTestApp();
    engineer = await t.userToken('engineer');
    operator = await t.userToken('operator');
  });
  afterAll(async () => t?.close());

  const dueOf = (receivedAt: string, kind = 'response', token = engineer, extra = '') =>
    t.call('GET', `/api/v1/sla/due?receivedAt=${encodeURIComponent(receivedAt)}&kind=${kind}${extra}`, { token });
  const snapshot = async () => ({
    rows: await t.ds.getRepository(CalendarDay).find({ order: { date: 'ASC' } }),
    audits: await t.ds.getRepository(AuditEntry).countBy({ action: 'sla-calendar.import' }),
  });

  it('when a report arrives in working hours, then it is due one hour later with a +08:00 offset', async () => {
    const r = await dueOf('2026-03-02T10:00:00+08:00');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      dueAt: '2026-03-02T11:00:00+08:00',
      rule: 'working-hours-1h',
      explanation: '工作日工作时间（08:00–18:00）内受理，1 小时内响应',
    });
  });

  it('when the time is given in UTC or with an unencoded +, then it is read as the same instant', async () => {
    expect((await dueOf('2026-03-02T10:30:00Z')).body).toMatchObject({ dueAt: '2026-03-02T21:30:00+08:00', rule: 'off-hours-3h' });
    const raw = await t.call('GET', '/api/v1/sla/due?receivedAt=2026-03-02T10:00:00+08:00&kind=response', { token: engineer });
    expect(raw.body.dueAt).toBe('2026-03-02T11:00:00+08:00');
  });

  it('when a report arrives on a holiday or the clock crosses one, then holiday time does not count', async () => {
    expect((await dueOf('2026-10-03T10:00:00+08:00')).body).toMatchObject({
      dueAt: '2026-10-08T09:00:00+08:00',
      rule: 'holiday-next-workday',
    });
    expect((await dueOf('2026-09-30T22:30:00+08:00')).body).toMatchObject({ dueAt: '2026-10-08T09:30:00+08:00', rule: 'off-hours-3h' });
    expect((await dueOf('2026-10-02T15:00:00+08:00', 'onsite')).body).toMatchObject({
      dueAt: '2026-10-08T16:00:00+08:00',
      rule: 'onsite-8h',
    });
    expect((await dueOf('2026-03-02T10:00:00+08:00', 'resolution', engineer, '&priority=urgent')).body).toMatchObject({
      dueAt: '2026-03-02T14:00:00+08:00',
      rule: 'resolution-urgent',
    });
  });

  it.each([
    ['missing receivedAt', '/api/v1/sla/due?kind=response', 'receivedAt'],
    ['a malformed time', '/api/v1/sla/due?receivedAt=yesterday&kind=response', '时间格式不正确'],
    ['an impossible date', `/api/v1/sla/due?receivedAt=${encodeURIComponent('2026-02-30T10:00:00+08:00')}&kind=response`, '时间格式不正确'],
    ['no offset', '/api/v1/sla/due?receivedAt=2026-03-02T10:00:00&kind=response', '带时区'],
    ['an unknown kind', `/api/v1/sla/due?receivedAt=${encodeURIComponent('2026-03-02T10:00:00+08:00')}&kind=fix`, 'kind 只能是'],
    [
      'an unknown priority',
      `/api/v1/sla/due?receivedAt=${encodeURIComponent('2026-03-02T10:00:00+08:00')}&kind=resolution&priority=asap`,
      '优先级',
    ],
  ])('when the query has %s, then 400 with a Chinese message', async (_what, path, text) => {
    const r = await t.call('GET', path, { token: engineer });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.body.error.message).toContain(text);
    expect(r.body.error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('when nobody is signed in, then 401; any signed-in role may ask', async () => {
    expect((await t.call('GET', '/api/v1/sla/due?receivedAt=2026-03-02T10:00:00Z&kind=response')).status).toBe(401);
    const leader = await t.userToken('leader');
    expect((await dueOf('2026-03-02T10:00:00+08:00', 'response', leader)).status).toBe(200);
  });

  it('when the policy is read, then it is the contract', async () => {
    const r = await t.call('GET', '/api/v1/sla/policy', { token: engineer });
    expect(r.body).toMatchObject({
      timeZone: 'Asia/Shanghai',
      workingHours: { start: '08:00', end: '18:00' },
      responseInHoursMinutes: 60,
      responseOffHoursMinutes: 180,
      onsiteMinutes: 480,
    });
  });

  it('when 2026 is read, then the bundled official schedule is shown; 2099 is not loaded', async () => {
    const r = await t.call('GET', '/api/v1/sla/calendar/2026', { token: engineer });
    expect(r.body.loaded).toBe(true);
    expect(r.body.days.filter((d: any) => d.kind === 'holiday')).toHaveLength(33);
    expect(r.body.days.filter((d: any) => d.kind === 'workday').map((d: any) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(r.body.days.every((d: any) => d.source === 'bundled')).toBe(true);
    expect((await t.call('GET', '/api/v1/sla/calendar/2099', { token: engineer })).body).toEqual({ year: 2099, loaded: false, days: [] });
  });

  it.each([
    ['a malformed date', [{ date: '2026-10-8', kind: 'holiday' }], 'YYYY-MM-DD'],
    ['an impossible date', [{ date: '2026-02-30', kind: 'holiday' }], 'YYYY-MM-DD'],
    [
      'a date of another year',
      [
        { date: '2026-10-08', kind: 'holiday' },
        { date: '2027-01-01', kind: 'holiday' },
      ],
      '不属于 2026 年',
    ],
    [
      'a duplicate date',
      [
        { date: '2026-10-08', kind: 'holiday' },
        { date: '2026-10-08', kind: 'workday' },
      ],
      '重复',
    ],
    ['an unknown kind', [{ date: '2026-10-08', kind: 'vacation' }], '类型只能是'],
    ['an unknown field', [{ date: '2026-10-08', kind: 'holiday', extra: 1 }], '不正确'],
    ['no list', { days: [] }, '不正确'],
  ])('when an import has %s, then 400 in Chinese and nothing changes', async (_what, body, text) => {
    await t.call('PUT', '/api/v1/sla/calendar/2026', {
      token: t.adminToken,
      body: [{ date: '2026-12-31', kind: 'holiday', name: '测试' }],
    });
    const before = await snapshot();
    const r = await t.call('PUT', '/api/v1/sla/calendar/2026', { token: t.adminToken, body });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION');
    expect(r.body.error.message).toContain(text);
    expect(await snapshot()).toEqual(before);
  });

  it('when an operator imports a year, then 403 and nothing changes', async () => {
    const before = await snapshot();
    const r = await t.call('PUT', '/api/v1/sla/calendar/2026', { token: operator, body: [{ date: '2026-10-08', kind: 'holiday' }] });
    expect(r.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('when an admin overrides a day, then the merged year shows it and due times follow it', async () => {
    const r = await t.call('PUT', '/api/v1/sla/calendar/2026', {
      token: t.adminToken,
      body: [{ date: '2026-10-08', kind: 'holiday', name: '国庆节' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.days.find((d: any) => d.date === '2026-10-08')).toEqual({
      date: '2026-10-08',
      kind: 'holiday',
      name: '国庆节',
      source: 'override',
    });
    expect(r.body.days.find((d: any) => d.date === '2026-12-31')).toBeUndefined(); // an import replaces the year's overrides
    expect(await t.ds.getRepository(CalendarDay).findBy({ year: 2026 })).toMatchObject([
      { date: '2026-10-08', kind: 'holiday', importedBy: 'admin' },
    ]);
    expect((await dueOf('2026-10-03T10:00:00+08:00')).body.dueAt).toBe('2026-10-09T09:00:00+08:00');
    await t.call('PUT', '/api/v1/sla/calendar/2026', { token: t.adminToken, body: [] });
    expect((await dueOf('2026-10-03T10:00:00+08:00')).body.dueAt).toBe('2026-10-08T09:00:00+08:00');
  });

  it('when a future year is imported, then it counts as loaded and its holidays apply', async () => {
    expect((await t.call('GET', '/api/v1/sla/calendar', { token: engineer })).body.years).not.toContain(2030);
    const body = [
      { date: '2030-10-01', kind: 'holiday', name: '国庆节' },
      { date: '2030-10-02', kind: 'holiday', name: '国庆节' },
    ];
    expect((await t.call('PUT', '/api/v1/sla/calendar/2030', { token: t.adminToken, body })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/sla/calendar', { token: engineer })).body.years).toContain(2030);
    expect(await t.services.sla.calendarYearsLoaded()).toContain(2030);
    const r = (await dueOf('2030-10-01T10:00:00+08:00')).body;
    expect(r).toMatchObject({ dueAt: '2030-10-03T09:00:00+08:00', rule: 'holiday-next-workday', calendarMissingYears: [] });
  });

  it('when the server runs in another time zone, then the answers do not change', async () => {
    const saved = process.env.TZ;
    try {
      const cases = ['2026-03-02T17:59:00+08:00', '2026-09-30T22:30:00+08:00', '2026-02-14T10:00:00+08:00', '2026-03-01T23:59:00Z'];
      const inShanghai: unknown[] = [];
      for (const c of cases) inShanghai.push((await dueOf(c)).body);
      for (const tz of ['America/New_York', 'UTC', 'Pacific/Kiritimati']) {
        process.env.TZ = tz;
        if (tz === 'America/New_York') expect(new Date('2026-03-02T00:00:00Z').getHours()).toBe(19); // the switch took effect
        for (let i = 0; i < cases.length; i++) expect((await dueOf(cases[i])).body).toEqual(inShanghai[i]);
      }
    } finally {
      process.env.TZ = saved;
      if (saved === undefined) delete process.env.TZ;
    }
  });

  it('when the OpenAPI document is built, then the SLA paths are in it', async () => {
    const r = await t.call('GET', '/api/v1/openapi.json');
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/sla/due', '/api/v1/sla/calendar/{year}', '/api/v1/sla/policy']),
    );
  });
});
