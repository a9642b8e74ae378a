import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { type Actor, systemActor } from '../../src/domain/identity/actor';
import { User } from '../../src/domain/identity/user.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { startTestApp, type TestApp } from '../helpers/test-app';

const MIN = 60_000;

describe('SLA clocks of tickets', () => {
  let t: TestApp;
  let eng: Actor;
  const clocksOf = (ticketId: number) => t.ds.getRepository(SlaClock).find({ where: { ticketId }, order: { id: 'ASC' } });
  const clockOf = async (ticketId: number, kind: string) => (await clocksOf(ticketId)).filter((c) => c.kind === kind).at(-1)!;
  const open = (priority: 'urgent' | 'normal' = 'normal') =>
    t.services.tickets.create(eng, { source: 'phone', category: 'question', priority, summary: '票据打印错位' });

  beforeAll(async () => {
    t = await startTestApp();
    await t.userToken('engineer', { username: 'li', wecomUserId: 'li-wx' });
    await t.userToken('admin', { username: 'boss', wecomUserId: 'boss-wx' });
    const u = await t.ds.getRepository(User).findOneByOrFail({ username: 'li' });
    eng = { userId: u.id, username: 'li', role: 'engineer', unitId: null, unitCode: null };
  });
  afterAll(async () => t?.close());

  it('when a ticket arrives in working hours, then its clocks are due exactly when the SLA engine says', async () => {
    t.clock.set('2026-03-02T10:00:00+08:00');
    const tk = await open('urgent');
    const response = await clockOf(tk.id, 'response');
    const resolution = await clockOf(tk.id, 'resolution');
    const engine = await t.services.sla.due({ receivedAt: new Date('2026-03-02T10:00:00+08:00'), kind: 'response' });
    expect(response).toMatchObject({ rule: 'working-hours-1h', state: 'running', dueAt: engine.dueAt });
    expect(tk.responseDueAt).toEqual(engine.dueAt);
    expect(resolution.dueAt).toEqual(
      (await t.services.sla.due({ receivedAt: tk.createdAt, kind: 'resolution', priority: 'urgent' })).dueAt,
    );
    expect(resolution.dueAt.toISOString()).toBe('2026-03-02T06:00:00.000Z');
    expect(response.warnAt.toISOString()).toBe('2026-03-02T02:48:00.000Z');
  });

  it('when a ticket arrives off hours or on a holiday, then the 3-hour and next-working-day rules apply, warning at 80 % of counted time', async () => {
    t.clock.set('2026-09-30T22:30:00+08:00');
    const eve = await clockOf((await open()).id, 'response');
    expect(eve.rule).toBe('off-hours-3h');
    expect(eve.dueAt.toISOString()).toBe('2026-10-08T01:30:00.000Z'); // 10-08 09:30 Shanghai
    // 144 of 180 minutes: 90 before midnight, 54 from 08:00 on 10-08.
    expect(eve.warnAt.toISOString()).toBe('2026-10-08T00:54:00.000Z');
    t.clock.set('2026-10-03T10:00:00+08:00');
    const hol = await clockOf((await open()).id, 'response');
    expect(hol).toMatchObject({ rule: 'holiday-next-workday' });
    expect(hol.dueAt.toISOString()).toBe('2026-10-08T01:00:00.000Z');
    expect(hol.dueAt).toEqual((await t.services.sla.due({ receivedAt: new Date('2026-10-03T10:00:00+08:00'), kind: 'response' })).dueAt);
  });

  it('when the ticket waits for the user, then the clocks pause and resume with the due time moved by the pause, as the engine computes', async () => {
    t.clock.set('2026-03-02T10:00:00+08:00');
    const tk = await open();
    await t.services.tickets.claim(eng, tk.id);
    t.clock.advance(10 * MIN);
    await t.services.tickets.wait(eng, tk.id, '请提供截图');
    expect((await clockOf(tk.id, 'resolution')).state).toBe('paused');
    const pauseFrom = t.clock.now();
    t.clock.advance(45 * MIN);
    await t.services.tickets.resume(eng, tk.id);
    const res = await clockOf(tk.id, 'resolution');
    const engine = await t.services.sla.due({
      receivedAt: tk.createdAt,
      kind: 'resolution',
      pauses: [{ from: pauseFrom, to: t.clock.now() }],
    });
    expect(res).toMatchObject({ state: 'running', pausedMs: 45 * MIN, dueAt: engine.dueAt });
    expect(res.dueAt.getTime() - tk.createdAt.getTime()).toBe(24 * 60 * MIN + 45 * MIN);
    expect((await clockOf(tk.id, 'response')).state).toBe('met');
  });

  it('when an engineer is dispatched, then the on-site clock runs 8 counted hours and stops at arrival', async () => {
    t.clock.set('2026-09-30T20:00:00+08:00');
    const tk = await open();
    await t.services.tickets.dispatch(eng, tk.id, '上门');
    const onsite = await clockOf(tk.id, 'onsite');
    expect(onsite).toMatchObject({ rule: 'onsite-8h', state: 'running' });
    expect(onsite.dueAt.toISOString()).toBe('2026-10-08T04:00:00.000Z'); // 10-08 12:00 Shanghai
    t.clock.set('2026-10-08T09:00:00+08:00');
    const after = await t.services.tickets.arrive(eng, tk.id);
    expect(after.arrivedAt).toEqual(t.clock.now());
    expect(await clockOf(tk.id, 'onsite')).toMatchObject({ state: 'met', stoppedAt: t.clock.now() });
  });

  it('when a clock reaches 80 % and then its due time, then one warning goes to the assignee and one breach is recorded and escalated', async () => {
    await t.services.deskSettings.update(systemActor, { supervisorUsername: 'boss' });
    t.clock.set('2026-03-02T10:00:00+08:00');
    const tk = await open();
    await t.services.tickets.assign(eng, tk.id, 'li');
    const c = await clockOf(tk.id, 'response');
    const due = c.dueAt.getTime();
    t.clock.set(new Date(c.warnAt.getTime() - 1000));
    expect(await t.services.slaClocks.warn(c.id, due)).toBe('early');
    t.clock.set(c.warnAt);
    expect(await t.services.slaClocks.warn(c.id, due)).toBe('warned');
    expect(await t.services.slaClocks.warn(c.id, due)).toBe('done');
    expect(await t.services.slaClocks.warn(c.id, due + 1)).toBe('stale');
    const warn = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `sla-warn-${c.id}` });
    expect(warn.message).toMatchObject({ toUsers: ['li-wx'] });
    // A warning of a deadline that has passed is noise: it expires at the due time.
    expect(warn).toMatchObject({ expiresAt: c.dueAt, expiryReason: expect.stringMatching(/deadline/) });
    expect(await t.services.slaClocks.breach(c.id, due)).toBe('early');
    t.clock.set(new Date(due + 5 * MIN));
    expect(await t.services.slaClocks.breach(c.id, due)).toBe('breached');
    expect(await t.services.slaClocks.breach(c.id, due)).toBe('done');
    expect(await clockOf(tk.id, 'response')).toMatchObject({ state: 'breached', breachedAt: new Date(due), warnedAt: c.warnAt });
    const esc = await t.ds.getRepository(OutboxMessage).findOneByOrFail({ dedupeKey: `sla-breach-${c.id}` });
    expect(esc.message).toMatchObject({ toUsers: ['boss-wx'] });
    // The supervisor's escalation is still worth sending for 12 hours after the deadline.
    expect(esc.expiresAt).toEqual(new Date(due + 12 * 60 * MIN));
    const ev = await t.ds.getRepository(TicketEvent).findBy({ ticketId: tk.id, type: 'sla' });
    expect(ev.map((e) => e.meta)).toEqual([
      expect.objectContaining({ warning: true }),
      expect.objectContaining({ breach: true, kind: 'response' }),
    ]);
    await t.services.tickets.reply(eng, tk.id, '已处理');
    expect(await clockOf(tk.id, 'response')).toMatchObject({ state: 'breached', stoppedAt: t.clock.now() });
  });

  it('when a clock is stopped after its due time without any job, then it is still recorded as breached', async () => {
    t.clock.set('2026-03-02T10:00:00+08:00');
    const tk = await open();
    t.clock.advance(2 * 60 * MIN);
    await t.services.tickets.claim(eng, tk.id);
    const c = await clockOf(tk.id, 'response');
    expect(c).toMatchObject({ state: 'breached', breachedAt: c.dueAt });
    expect(await t.services.slaClocks.breach(c.id, c.dueAt.getTime())).toBe('done');
  });

  it('when a paused clock gets its old jobs, then they find it changed and do nothing', async () => {
    t.clock.set('2026-03-02T10:00:00+08:00');
    const tk = await open();
    await t.services.tickets.wait(eng, tk.id, '等待');
    const c = await clockOf(tk.id, 'resolution');
    t.clock.set(new Date(c.dueAt.getTime() + MIN));
    expect(await t.services.slaClocks.breach(c.id, c.dueAt.getTime())).toBe('stale');
    expect(await t.services.slaClocks.warn(c.id, c.dueAt.getTime())).toBe('stale');
    expect(await clockOf(tk.id, 'resolution')).toMatchObject({ state: 'paused', breachedAt: null, warnedAt: null });
  });
});
