/**
 * Login benchmark: `npm run bench:login [-- --db <url>] [--bursts N] [--size N] [--samples N]`. Over the real
 * HTTP stack it sends bursts of concurrent wrong passwords at one account and counts the password checks
 * each burst got (the account's failure counter: one reservation per check), then tries the right password;
 * and it times the refusal of an unknown name, a wrong password, a locked and an inactive account, which
 * must be alike. The per-address limit is raised for the run: it is the account lock that is measured.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliArgs, defineCli } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { systemClock } from '../src/domain/clock';
import { openDatabase } from '../src/domain/db/data-source';
import { systemActor } from '../src/domain/identity/actor';
import { makeLogger } from '../src/logger';
import { buildSystem } from '../src/system';

const CLI = defineCli({
  name: 'bench:login',
  usage: 'npm run bench:login -- [options]',
  about: 'Bursts of concurrent wrong passwords against one account, and the time of each kind of refusal (issue 9).',
  flags: {
    db: { type: 'string', value: '<url>', defaultText: 'a temporary SQLite file, deleted afterwards', help: 'database to use' },
    bursts: { type: 'integer', default: 10, help: 'bursts of concurrent wrong passwords' },
    size: { type: 'integer', default: 50, help: 'requests in one burst' },
    samples: { type: 'integer', default: 100, help: 'timed refusals of each kind' },
  },
});
const PASSWORD = 'Bench2026login';

async function main(): Promise<void> {
  const flags = cliArgs(CLI).values;
  const dir = flags.db ? null : mkdtempSync(join(tmpdir(), 'login-bench-'));
  const url = flags.db ?? `sqlite:${join(dir!, 'bench.sqlite')}`;
  const ds = await openDatabase(url);
  const config = loadConfig({ LOG_LEVEL: 'silent', LOGIN_MAX_PER_ADDRESS: '1000000' });
  const system = await buildSystem(config, makeLogger('silent'), { clock: systemClock, database: ds });
  const { users, userAdmin } = system.services;
  const base = `http://127.0.0.1:${await system.listen(0, '127.0.0.1')}`;
  const login = async (username: string, password: string) => {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json()) as { error?: { message: string } };
    return { status: res.status, message: body.error?.message ?? '', ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  };
  const make = (username: string) => users.create(systemActor, { username, name: '基准', role: 'operator', password: PASSWORD });
  try {
    const target = await make('bench.burst');
    const checks: number[] = [];
    let rightAccepted = 0;
    for (let b = 0; b < flags.bursts; b++) {
      await userAdmin.unlock(systemActor, target.id);
      await Promise.all(Array.from({ length: flags.size }, (_, i) => login('bench.burst', `Wrong-${b}-${i}x`)));
      checks.push((await system.store.read.identity.byId(target.id))!.failedLogins);
      if ((await login('bench.burst', PASSWORD)).status === 200) rightAccepted++;
    }
    const total = checks.reduce((a, b) => a + b, 0);
    console.log(`bursts: ${flags.bursts} × ${flags.size} concurrent wrong passwords on ${ds.options.type}`);
    console.log(`  password checks per burst: ${checks.join(' ')} (total ${total}, allowed ${flags.bursts * 5})`);
    console.log(`  right password straight after a burst: accepted ${rightAccepted} of ${flags.bursts}`);

    // One account of each kind; the wrong-password one is unlocked before each sample so it stays "wrong", not "locked".
    const wrong = await make('bench.wrong');
    await make('bench.locked');
    for (let i = 0; i < 5; i++) await login('bench.locked', `Wrong-${i}x`);
    const inactive = await make('bench.inactive');
    await userAdmin.update(systemActor, inactive.id, { active: false });
    const kinds: Record<string, () => Promise<{ status: number; message: string; ms: number }>> = {
      'unknown name': () => login('bench.nobody', 'Wrong-0x'),
      'wrong password': async () => {
        await userAdmin.unlock(systemActor, wrong.id);
        return login('bench.wrong', 'Wrong-0x');
      },
      'locked account': () => login('bench.locked', PASSWORD),
      'inactive account': () => login('bench.inactive', PASSWORD),
    };
    const answers = new Set<string>();
    const times = new Map<string, number[]>(Object.keys(kinds).map((k) => [k, []]));
    for (const run of Object.values(kinds)) await run(); // warm-up
    // Round-robin, so drift of the machine's load falls on every kind alike.
    for (let i = 0; i < flags.samples; i++) {
      for (const [name, run] of Object.entries(kinds)) {
        const r = await run();
        answers.add(`${r.status} ${r.message}`);
        times.get(name)!.push(r.ms);
      }
    }
    const medians: number[] = [];
    for (const [name, ms] of times) {
      ms.sort((x, y) => x - y);
      const p50 = ms[Math.floor(ms.length / 2)];
      medians.push(p50);
      console.log(`  ${name.padEnd(17)} p50 ${p50.toFixed(1)} ms  p90 ${ms[Math.floor(ms.length * 0.9)].toFixed(1)} ms`);
    }
    console.log(`  distinct answers over all refusals: ${answers.size} (${[...answers].join(' | ')})`);
    console.log(`  slowest / fastest median: ${(Math.max(...medians) / Math.min(...medians)).toFixed(2)} ×`);
  } finally {
    await system.close();
    await ds.destroy().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
