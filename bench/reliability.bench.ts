import { runBurst } from '../tools/reliability/burst';

/**
 * Many processes, one truth: two app and two worker processes of the compiled service on one
 * PostgreSQL and one Redis; a burst of bot escalations and alerts; prints what was accepted and
 * delivered, duplicates, and repeatable jobs per queue.
 * Run: npx tsc -p tsconfig.build.json && TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node dist/bench/reliability.bench.js [escalations] [alerts] [senders]
 */
async function main(): Promise<void> {
  const baseDbUrl = process.env.TEST_DATABASE_URL ?? '';
  if (!baseDbUrl.startsWith('postgres'))
    throw new Error('set TEST_DATABASE_URL to a PostgreSQL server (the benchmark creates and drops its own database)');
  const [escalations = 1000, alerts = 100, senders = 8] = process.argv.slice(2).map(Number);
  const r = await runBurst({ baseDbUrl, escalations, alerts, senders, deliverWithinMs: 600_000 });
  const ok =
    r.badAnswers.length === 0 &&
    r.duplicateBodies === 0 &&
    r.escalationsNotOnce.length === 0 &&
    r.alertsNotTwice.length === 0 &&
    r.outboxRows.notSent === 0;
  console.log(`burst: ${escalations} escalations from ${senders} concurrent senders + ${alerts} alerts over 2 app + 2 worker processes`);
  console.log(`  accepted in ${r.timings.acceptMs} ms (${r.timings.requestsPerS} requests/s); bad answers ${r.badAnswers.length}`);
  console.log(`  outbox: ${r.outboxRows.app} app + ${r.outboxRows.robot} robot messages, ${r.outboxRows.notSent} not sent`);
  console.log(
    `  delivered at the fake WeCom: ${r.delivered.app} app + ${r.delivered.robot} robot by ${r.timings.deliverMs} ms (${r.timings.messagesPerS} messages/s end to end)`,
  );
  console.log(
    `  duplicates ${r.duplicateBodies}; escalations not delivered once ${r.escalationsNotOnce.length}; alerts not delivered twice ${r.alertsNotTwice.length}`,
  );
  console.log(
    `  repeatable jobs: ${Object.entries(r.repeatables)
      .map(([q, j]) => `${q} ${JSON.stringify(j)}`)
      .join('; ')}`,
  );
  console.log(ok ? 'RESULT: every notification delivered exactly once' : 'RESULT: FAILED');
  process.exit(ok ? 0 : 1);
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
