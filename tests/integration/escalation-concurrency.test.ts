import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/domain/clock';
import { Ticket } from '../../src/domain/desk/ticket.entity';
import { systemOver } from '../helpers/test-app';
import { onPostgres, openTestDb } from '../helpers/test-db';

// Regression: the SLA timer once read the calendar through a second pooled connection while the
// escalation's transaction held one, so more concurrent escalations than pool connections hung.
describe.skipIf(!onPostgres)('concurrent escalations on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  it('when 30 escalations run at once (pool of 10), then all complete with their SLA clocks', async () => {
    const { services } = await systemOver(db.ds, fixedClock('2026-03-02T02:00:00Z'));
    const all = Array.from({ length: 30 }, (_, i) =>
      services.tickets.escalate({
        unitId: null,
        reporterUserId: null,
        reporterWecomId: null,
        reporterName: `来电 ${i}`,
        question: `问题 ${i}`,
        guesses: [],
        source: 'bot',
        priority: 'normal',
        category: 'question',
      }),
    );
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('escalations hung')), 20_000));
    const results = await Promise.race([Promise.all(all), timeout]);
    expect(results).toHaveLength(30);
    const tickets = await db.ds.getRepository(Ticket).find();
    expect(tickets).toHaveLength(30);
    expect(tickets.every((t) => t.responseDueAt !== null)).toBe(true);
  });
});
