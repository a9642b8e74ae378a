import { describe, expect, it } from 'vitest';
import { onPostgres, testDbUrl } from '../helpers/test-db';
import { runBurst } from '../../tools/reliability/burst';

// The full burst runs in about a minute on two cores; RELIABILITY_ESCALATIONS/_ALERTS shrink it for a
// quick local run. bench/reliability.bench.ts runs the same and prints the figures.
const ESCALATIONS = Number(process.env.RELIABILITY_ESCALATIONS ?? 1000);
const ALERTS = Number(process.env.RELIABILITY_ALERTS ?? 100);

// Two app and two worker processes of the compiled service share one PostgreSQL database and one
// Redis (SQLite is one file on one machine: PostgreSQL is the multi-process deployment).
describe.skipIf(!onPostgres)('many processes, one truth', () => {
  it(`when ${ESCALATIONS} escalations and ${ALERTS} alerts hit two app processes served by two workers, then every notification is delivered exactly once and no repeatable job is doubled`, async () => {
    const r = await runBurst({ baseDbUrl: testDbUrl, escalations: ESCALATIONS, alerts: ALERTS, senders: 8, deliverWithinMs: 240_000 });
    expect(r.badAnswers).toEqual([]);
    expect(r.outboxRows.notSent).toBe(0);
    expect(r.delivered).toEqual({ app: r.outboxRows.app, robot: r.outboxRows.robot });
    expect(r.outboxRows.robot).toBe(ALERTS);
    expect(r.duplicateBodies).toBe(0);
    expect(r.escalationsNotOnce).toEqual([]);
    expect(r.alertsNotTwice).toEqual([]);
    for (const [queue, jobs] of Object.entries(r.repeatables)) {
      for (const [job, n] of Object.entries(jobs)) expect(n, `${queue} ${job}`).toBe(1);
    }
    expect(Object.keys(r.repeatables.monitoring)).toHaveLength(1);
    expect(Object.keys(r.repeatables.inspections)).toHaveLength(1);
    expect(Object.keys(r.repeatables.summaries)).toHaveLength(2);
    console.log(
      `multi-process: ${ESCALATIONS} escalations + ${ALERTS} alerts accepted in ${r.timings.acceptMs} ms (${r.timings.requestsPerS}/s), ${r.delivered.app + r.delivered.robot} messages delivered by ${r.timings.deliverMs} ms`,
    );
  }, 480_000);
});
