import { randomBytes } from 'node:crypto';
import Bull from 'bull';
import { startFakeWecom, type FakeWecom } from '../fake-wecom/fake-server';
import { wecomRateLimits } from '../../src/bot/channels/wecom/throttle';
import { systemClock } from '../../src/domain/clock';
import { openDatabase } from '../../src/domain/db/data-source';
import { systemActor } from '../../src/domain/identity/actor';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { loadConfig } from '../../src/config';
import { makeLogger } from '../../src/logger';
import { buildSystem } from '../../src/system';
import { QUEUES } from '../../src/jobs/queues';
import { startPrivateRedis } from './private-redis';
import {
  ALERTS_TOKEN,
  buildService,
  call,
  CORP,
  freePort,
  freshDatabase,
  killAll,
  login,
  ROBOT_KEY,
  serviceEnv,
  spawnNode,
  until,
} from './harness';

const UNANSWERABLE = '开具票据时提示号段已被占用';
// High enough that the burst is never held by our own throttle; the fake server enforces the same.
const LIMITS = { memberPerMin: 1_000_000, memberPerHour: 10_000_000, robotPerMin: 1_000_000 };

export interface BurstResult {
  escalations: number;
  alerts: number;
  /** HTTP requests that did not answer as expected (escalated with a ticket id / alert accepted). */
  badAnswers: string[];
  outboxRows: { app: number; robot: number; notSent: number };
  delivered: { app: number; robot: number };
  /** Delivered bodies seen more than once (must be 0). */
  duplicateBodies: number;
  /** Escalation numbers / alert titles not delivered exactly as expected. */
  escalationsNotOnce: number[];
  alertsNotTwice: number[];
  /** Per queue and repeatable job (name/id): how many registrations Redis holds. */
  repeatables: Record<string, Record<string, number>>;
  timings: { acceptMs: number; deliverMs: number; requestsPerS: number; messagesPerS: number };
}

/**
 * Two app processes (WORKERS=off) and two worker processes of the compiled service over one fresh
 * database and one private Redis, the fake WeCom server with high limits; a burst of bot escalations
 * from many unit-staff senders (each sender's messages in order, as a person types) spread over both
 * app processes, and distinct generic alerts. Waits until the outbox is drained, then counts.
 */
export interface BurstOptions {
  /** The PostgreSQL server to create the burst's own database on (harness.freshDatabase). */
  baseDbUrl: string;
  escalations: number;
  alerts: number;
  /**
   * Concurrent senders (each sends in order). Keep the requests in flight per app process below its
   * database pool (10): an escalation's transaction loads the SLA calendar through a second pooled
   * connection (slaTimer → sla.loadCalendar on `ds`), so ≥ 10 concurrent escalations in one process
   * on PostgreSQL wait for each other for ever. Reported; the benchmark shows it with more senders.
   */
  senders: number;
  deliverWithinMs: number;
}

export async function runBurst(o: BurstOptions): Promise<BurstResult> {
  const { app, worker } = await buildService();
  const redis = await startPrivateRedis();
  let fake: FakeWecom | undefined;
  const db = await freshDatabase(o.baseDbUrl);
  const ds = await openDatabase(db.url);
  try {
    fake = await startFakeWecom({ ...CORP, robotKeys: [ROBOT_KEY], limits: wecomRateLimits(LIMITS) });
    const { services } = await buildSystem(loadConfig({ LOG_LEVEL: 'silent' }), makeLogger('silent'), { clock: systemClock, database: ds });
    await services.catalog.createUnit(systemActor, { code: 'B1', name: '市财政局演示单位', onboardingStatus: 'online' });
    for (let s = 0; s < o.senders; s++) {
      await services.users.create(systemActor, {
        username: `staff${s}`,
        name: `单位员工${s}`,
        role: 'unit_staff',
        unitCode: 'B1',
        wecomUserId: `staff${s}`,
      } as never);
    }
    await services.users.create(systemActor, { username: 'eng', name: '张工', role: 'engineer', wecomUserId: 'eng-zhang' } as never);

    const prefix = `mp${randomBytes(3).toString('hex')}`;
    const extra = {
      WECOM_MEMBER_PER_MIN: String(LIMITS.memberPerMin),
      WECOM_MEMBER_PER_HOUR: String(LIMITS.memberPerHour),
      WECOM_ROBOT_PER_MIN: String(LIMITS.robotPerMin),
      MONITOR_EVERY_S: '3600',
      MONITOR_FAILURES_BEFORE_ALERT: '10',
    };
    const env = serviceEnv({ dbUrl: db.url, redisUrl: redis.url, prefix, fake, extra });
    const ports = [await freePort(), await freePort()];
    const apps = ports.map((p) => spawnNode(app, { ...env, PORT: String(p), WORKERS: 'off' }));
    for (let w = 0; w < 2; w++) spawnNode(worker, env);
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);
    for (const [i, b] of bases.entries()) {
      await until(
        async () =>
          (await fetch(`${b}/health`).then(
            (r) => r.status,
            () => 0,
          )) === 200,
        120_000,
        `app ${i} up\n${apps[i].output()}`,
        250,
      );
    }
    const token = await login(bases[0]);

    const badAnswers: string[] = [];
    const started = Date.now();
    let next = 0;
    const perSender = Array.from({ length: o.senders }, () => [] as number[]);
    for (let i = 0; i < o.escalations; i++) perSender[i % o.senders].push(i);
    const senderRuns = perSender.map(async (items, s) => {
      for (const i of items) {
        const r = await call(bases[next++ % 2], 'POST', '/api/v1/bot/messages', {
          token,
          body: { senderId: `staff${s}`, text: `${UNANSWERABLE}（编号 E${i}#）` },
        });
        if (r.status !== 200 || r.body.escalated !== true || typeof r.body.ticketId !== 'number')
          badAnswers.push(`E${i}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    });
    // One lane of alerts beside the senders' lanes (see BurstOptions.senders on concurrency).
    const alertRuns = [
      (async () => {
        for (let i = 0; i < o.alerts; i++) await sendAlert(i);
      })(),
    ];
    async function sendAlert(i: number) {
      const res = await fetch(`${bases[i % 2]}/api/v1/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ALERTS_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'load-test', severity: 'critical', title: `开票目标 A${i}# 无法访问`, detail: 'HTTP 502' }),
      });
      if (res.status !== 200) badAnswers.push(`A${i}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
    await Promise.all([...senderRuns, ...alertRuns]);
    const acceptMs = Date.now() - started;

    const outbox = ds.getRepository(OutboxMessage);
    await until(
      async () => (await outbox.count()) > 0 && (await outbox.createQueryBuilder('o').where("o.status <> 'sent'").getCount()) === 0,
      o.deliverWithinMs,
      'the outbox to drain',
      500,
    );
    const deliverMs = Date.now() - started;
    // Late duplicates, if any, would arrive now.
    await new Promise((r) => setTimeout(r, 2000));

    const rows = await outbox.find();
    const bodies = [...fake.received.messages, ...fake.received.robot].map((m) => JSON.stringify(m.body));
    const seen = new Map<string, number>();
    for (const b of bodies) seen.set(b, (seen.get(b) ?? 0) + 1);
    const countWith = (tag: string) => bodies.filter((b) => b.includes(tag)).length;
    const repeatables: BurstResult['repeatables'] = {};
    for (const name of Object.values(QUEUES)) {
      const q = new Bull(name, redis.url, { prefix });
      repeatables[name] = {};
      for (const r of await q.getRepeatableJobs()) {
        const k = `${r.name}/${r.id ?? ''}`;
        repeatables[name][k] = (repeatables[name][k] ?? 0) + 1;
      }
      await q.close();
    }
    const messages = fake.received.messages.length + fake.received.robot.length;
    return {
      escalations: o.escalations,
      alerts: o.alerts,
      badAnswers,
      outboxRows: {
        app: rows.filter((r) => r.message.channel === 'app').length,
        robot: rows.filter((r) => r.message.channel === 'robot').length,
        notSent: rows.filter((r) => r.status !== 'sent').length,
      },
      delivered: { app: fake.received.messages.length, robot: fake.received.robot.length },
      duplicateBodies: [...seen.values()].filter((c) => c > 1).length,
      escalationsNotOnce: Array.from({ length: o.escalations }, (_, i) => i).filter((i) => countWith(`E${i}#`) !== 1),
      alertsNotTwice: Array.from({ length: o.alerts }, (_, i) => i).filter((i) => countWith(`A${i}#`) !== 2),
      repeatables,
      timings: {
        acceptMs,
        deliverMs,
        requestsPerS: Math.round(((o.escalations + o.alerts) / acceptMs) * 10_000) / 10,
        messagesPerS: Math.round((messages / deliverMs) * 10_000) / 10,
      },
    };
  } finally {
    await killAll();
    await ds.destroy();
    await fake?.stop();
    await redis.stop();
    await db.drop();
  }
}
