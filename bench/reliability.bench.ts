import { cliArgs, defineCli, usageError } from '../src/cli/args';
import { runBurst } from '../tools/reliability/burst';

const DEFAULTS = { escalations: 1000, alerts: 100, senders: 8 };
const RELIABILITY_BENCH_CLI = defineCli({
  name: 'bench:reliability',
  usage: 'TEST_DATABASE_URL=postgres://… npm run bench:reliability -- [escalations] [alerts] [senders]',
  about:
    'Many processes, one truth: two app and two worker processes of the compiled service on one PostgreSQL (a database of its ' +
    'own on the server of TEST_DATABASE_URL, dropped afterwards) and a private Redis; a burst of bot escalations and alerts; ' +
    'prints what was accepted and delivered, duplicates, and repeatable jobs per queue.',
  flags: {},
  positionals: [
    { name: 'escalations', defaultText: String(DEFAULTS.escalations), help: 'bot escalations in the burst' },
    { name: 'alerts', defaultText: String(DEFAULTS.alerts), help: 'generic alerts in the burst' },
    { name: 'senders', defaultText: String(DEFAULTS.senders), help: 'concurrent unit-staff senders (each sends in order)' },
  ],
});

/** Exits 0 when every notification was delivered exactly once. */
async function main(): Promise<void> {
  const [escalations = DEFAULTS.escalations, alerts = DEFAULTS.alerts, senders = DEFAULTS.senders] = cliArgs(
    RELIABILITY_BENCH_CLI,
  ).positionals.map((p, i) => {
    const n = Number(p);
    if (!Number.isSafeInteger(n) || n < 0)
      usageError(RELIABILITY_BENCH_CLI, `[${Object.keys(DEFAULTS)[i]}] must be a whole number ≥ 0: got '${p}'`);
    return n;
  });
  const baseDbUrl = process.env.TEST_DATABASE_URL ?? '';
  if (!baseDbUrl.startsWith('postgres'))
    throw new Error('set TEST_DATABASE_URL to a PostgreSQL server (the benchmark creates and drops its own database)');
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
