import type Bull from 'bull';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { makeRedisFactory } from '../../src/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlaJobData } from '../../src/domain/desk/desk.schemas';
import { SlaClock } from '../../src/domain/desk/sla-clock.entity';
import { TicketEvent } from '../../src/domain/desk/ticket-event.entity';
import { type Actor, systemActor } from '../../src/domain/identity/actor';
import { User } from '../../src/domain/identity/user.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { makeSlaProcessor } from '../../src/jobs/processors/sla.job';
import { makeQueues, type Queues } from '../../src/jobs/queues';
import { makeSlaScheduler, slaJobId, type SlaScheduler } from '../../src/jobs/sla-scheduler';
import { makeLogger } from '../../src/logger';
import { startTestApp, type TestApp } from '../helpers/test-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const START = '2026-03-02T10:00:00+08:00';
const LEAD_MS = 700;
const logger = makeLogger('silent');

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SLA jobs on real Redis', () => {
  let t: TestApp;
  let eng: Actor;
  const prefix = `test-sla-${randomBytes(4).toString('hex')}`;
  const sets: Array<{ queues: Queues; close: () => Promise<void> }> = [];
  let scheduler: SlaScheduler;

  const open = () =>
    t.services.tickets.create(eng, { source: 'phone', category: 'question', priority: 'normal', summary: '电子票据无法上传' });
  const clockOf = async (ticketId: number, kind: string) => t.ds.getRepository(SlaClock).findOneByOrFail({ ticketId, kind: kind as never });
  const sla = (i: number) => sets[i].queues.sla as unknown as Bull.Queue<SlaJobData>;
  const finished = async (clockId: number, action: string) =>
    (await sla(0).getCompleted()).filter((j) => j.data.clockId === clockId && j.data.action === action);

  beforeAll(async () => {
    t = await startTestApp({ now: START });
    await t.userToken('engineer', { username: 'zhao', wecomUserId: 'zhao-wx' });
    await t.userToken('leader', { username: 'chief', wecomUserId: 'chief-wx' });
    await t.services.deskSettings.update(systemActor, { supervisorUsername: 'chief' });
    const u = await t.ds.getRepository(User).findOneByOrFail({ username: 'zhao' });
    eng = { userId: u.id, username: 'zhao', role: 'engineer', unitId: null, unitCode: null };
    // Two workers: two independent queue instances processing the same Redis queue.
    for (let i = 0; i < 2; i++) {
      const set = makeQueues(makeRedisFactory(REDIS_URL, logger), prefix);
      void set.queues.sla.process(3, makeSlaProcessor({ clocks: t.services.slaClocks, logger }));
      sets.push(set);
    }
    scheduler = makeSlaScheduler({ queue: sla(0), clocks: t.services.slaClocks, clock: t.clock, logger });
  });
  afterAll(async () => {
    scheduler?.stop();
    for (const s of sets) await s.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await t?.close();
  });

  /** Schedules the clock's jobs plus duplicates of one of them on both workers' queues, as a redelivery would. */
  async function scheduleWithDuplicates(c: SlaClock, action: 'warn' | 'breach'): Promise<void> {
    await scheduler.schedule(c);
    const data: SlaJobData = { clockId: c.id, action, dueAt: c.dueAt.getTime() };
    for (let i = 0; i < 4; i++) await sla(i % 2).add(data, { jobId: `dup-${c.id}-${action}-${i}`, delay: LEAD_MS });
  }

  it('when a clock reaches 80 %, then the warning fires exactly once across two workers', async () => {
    t.clock.set(START);
    const tk = await open();
    const c = await clockOf(tk.id, 'response');
    t.clock.set(new Date(c.warnAt.getTime() - LEAD_MS));
    await scheduleWithDuplicates(c, 'warn');
    t.clock.set(c.warnAt);
    const jobs = await until(
      () => finished(c.id, 'warn'),
      (js) => js.length === 5,
      'five warn jobs',
    );
    expect(jobs.map((j) => j.returnvalue).sort()).toEqual(['done', 'done', 'done', 'done', 'warned']);
    expect(await t.ds.getRepository(OutboxMessage).countBy({ dedupeKey: `sla-warn-${c.id}` })).toBe(1);
    expect(await t.ds.getRepository(TicketEvent).countBy({ ticketId: tk.id, type: 'sla' })).toBe(1);
    expect((await clockOf(tk.id, 'response')).warnedAt).toEqual(c.warnAt);
  });

  it('when a clock reaches its due time, then the breach is recorded and escalated to the supervisor exactly once', async () => {
    t.clock.set(START);
    const tk = await open();
    const c = await clockOf(tk.id, 'response');
    t.clock.set(new Date(c.dueAt.getTime() - LEAD_MS));
    await scheduleWithDuplicates(c, 'breach');
    t.clock.set(new Date(c.dueAt.getTime() + 1000));
    const jobs = await until(
      () => finished(c.id, 'breach'),
      (js) => js.length === 5,
      'five breach jobs',
    );
    expect(jobs.map((j) => j.returnvalue).sort()).toEqual(['breached', 'done', 'done', 'done', 'done']);
    expect(await clockOf(tk.id, 'response')).toMatchObject({ state: 'breached', breachedAt: c.dueAt });
    const esc = await t.ds.getRepository(OutboxMessage).findBy({ dedupeKey: `sla-breach-${c.id}` });
    expect(esc.map((m) => m.message)).toEqual([expect.objectContaining({ toUsers: ['chief-wx'] })]);
    // The warning job (its instant already passed when scheduled) may have run too; one breach event either way.
    const events = await t.ds.getRepository(TicketEvent).findBy({ ticketId: tk.id, type: 'sla' });
    expect(events.filter((e) => e.meta?.breach === true)).toHaveLength(1);
  });

  it('when a clock is stopped before its job fires, then the job finds it stopped and does nothing', async () => {
    t.clock.set(START);
    const tk = await open();
    const c = await clockOf(tk.id, 'response');
    t.clock.set(new Date(c.dueAt.getTime() - LEAD_MS));
    await scheduler.schedule(c);
    await t.services.tickets.claim(eng, tk.id);
    t.clock.set(new Date(c.dueAt.getTime() + 1000));
    const [job] = await until(
      () => finished(c.id, 'breach'),
      (js) => js.length === 1,
      'the stale breach job',
    );
    expect(job.returnvalue).toBe('stale');
    expect(await clockOf(tk.id, 'response')).toMatchObject({ state: 'met', breachedAt: null });
    const events = await t.ds.getRepository(TicketEvent).findBy({ ticketId: tk.id, type: 'sla' });
    expect(events.filter((e) => e.meta?.breach === true)).toHaveLength(0);
  });

  describe('scheduling from the database', () => {
    let inspect: { queues: Queues; close: () => Promise<void> };
    let quiet: SlaScheduler;
    const ids = async () => (await inspect.queues.sla.getJobs(['delayed', 'waiting'])).map((j) => String(j.id)).sort();
    const expectedIds = async () =>
      (await t.services.slaClocks.running())
        .flatMap((c) => [
          ...(!c.warnedAt && c.warnAt < c.dueAt ? [slaJobId(c.id, 'warn', c.dueAt.getTime())] : []),
          slaJobId(c.id, 'breach', c.dueAt.getTime()),
        ])
        .sort();

    beforeAll(() => {
      // A queue nobody processes, so what the scheduler made can be inspected.
      inspect = makeQueues(makeRedisFactory(REDIS_URL, logger), `${prefix}-inspect`);
      quiet = makeSlaScheduler({ queue: inspect.queues.sla as never, clocks: t.services.slaClocks, clock: t.clock, logger });
    });
    afterAll(async () => {
      quiet.stop();
      await inspect.close();
    });

    it('when the process starts, then every running clock is scheduled once, existing jobs are not duplicated, and missed deadlines fire at once', async () => {
      t.clock.set(START);
      await open();
      const overdue = await open();
      const first = (await expectedIds())[0];
      const [, cid, action, due] = /^sla-(\d+)-(warn|breach)-(\d+)$/.exec(first)!;
      await inspect.queues.sla.add({ clockId: Number(cid), action, dueAt: Number(due) }, { jobId: first, delay: 60_000 });
      t.clock.set(new Date((await clockOf(overdue.id, 'response')).dueAt.getTime() + 60_000));
      expect(await quiet.rebuild()).toBe((await t.services.slaClocks.running()).length);
      const want = await expectedIds();
      expect(await ids()).toEqual(want);
      await quiet.rebuild();
      expect(await ids()).toEqual(want);
      const response = await clockOf(overdue.id, 'response');
      const job = await inspect.queues.sla.getJob(slaJobId(response.id, 'breach', response.dueAt.getTime()));
      expect(await job!.getState()).toBe('waiting');
    });

    it('when clocks change after a commit, then their jobs follow: paused clocks lose them, resumed clocks get new ids', async () => {
      t.clock.set(START);
      await quiet.start();
      const tk = await open();
      const res = await clockOf(tk.id, 'resolution');
      const oldId = slaJobId(res.id, 'breach', res.dueAt.getTime());
      await until(
        () => inspect.queues.sla.getJob(oldId),
        (j) => j !== null,
        'the new clock’s breach job',
      );
      await t.services.tickets.wait(eng, tk.id, '等待用户');
      await until(
        () => inspect.queues.sla.getJob(oldId),
        (j) => j === null,
        'removal of the paused clock’s job',
      );
      t.clock.advance(30 * 60_000);
      await t.services.tickets.resume(eng, tk.id);
      const moved = await clockOf(tk.id, 'resolution');
      expect(moved.dueAt.getTime()).toBe(res.dueAt.getTime() + 30 * 60_000);
      await until(
        () => inspect.queues.sla.getJob(slaJobId(res.id, 'breach', moved.dueAt.getTime())),
        (j) => j !== null,
        'the re-timed breach job',
      );
    });
  });
});
