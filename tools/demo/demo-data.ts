import type { DataSource } from 'typeorm';
import { BillType } from '../../src/domain/catalog/bill-type.entity';
import { Unit } from '../../src/domain/catalog/unit.entity';
import { fixedClock, systemClock } from '../../src/domain/clock';
import { ConflictError } from '../../src/domain/errors';
import type { DomainServices } from '../../src/domain/services';
import type { Config } from '../../src/config';
import type { Logger } from '../../src/logger';
import { buildSystem } from '../../src/system';
import { makeTimeline, type SettableClock } from './demo-ops';
import { writeServiceDesk, type DemoBot } from './demo-desk';
import { writeDemoRegion } from './demo-region';
import { systemActor } from '../../src/domain/identity/actor';
import { seededRandom } from './demo-random';
import { loadReference } from './demo-reference';
import { writeRecentWeeks, writeSixYearsAgo, writeVersionChange, writeYear } from './demo-history';

export { DEMO_PASSWORD } from './demo-reference';

/** True when the database holds no units and no bill types (the demo may be loaded). */
export async function isDatabaseEmpty(ds: DataSource): Promise<boolean> {
  return (await ds.getRepository(Unit).count()) === 0 && (await ds.getRepository(BillType).count()) === 0;
}

/** What was loaded. */
export interface DemoSummary {
  units: number;
  billTypes: number;
  journalRows: number;
  documents: number;
}

/**
 * Loads a believable bureau into an empty database through the real services: bill types, ~30
 * units, people, caps, and history (six years ago, 换版, a year of quarters, open documents today),
 * then three weeks of service-desk activity (tickets, SLA, consultations, an outage, last week's issuances).
 * The history is written with the dates it happened on, so the services must run on `clock`, which
 * the loader moves back and forward and finally leaves at the present. Same seed → same data.
 * `loadDemoInto` builds such services through the composition root (DEMO=1, `npm run demo`, the benches).
 */
export async function loadDemoData(deps: {
  ds: DataSource;
  services: DomainServices;
  clock: SettableClock;
  seed?: number;
  /** The bot, when the loader runs in a full system: unit staff's everyday questions go through it (the summary's containment). */
  bot?: DemoBot;
}): Promise<DemoSummary> {
  const { ds } = deps;
  if (!(await isDatabaseEmpty(ds)))
    throw new ConflictError('DATABASE_NOT_EMPTY', '数据库中已有单位或票据种类数据，演示数据只能装入空数据库');
  const { clock, services } = deps;
  const now = clock.now();
  const tl = makeTimeline(clock, now);
  const rnd = seededRandom(deps.seed ?? 20_260_101);

  // Reference data predates the oldest history (six years ago).
  tl.day(73);
  const actors = await loadReference(services, rnd, (monthsAgo) => {
    const d = new Date(now.getTime() - monthsAgo * 30 * 86_400_000 + 8 * 3_600_000);
    return d.toISOString().slice(0, 10);
  });
  await writeDemoRegion(services, systemActor);
  const ctx = { services, tl, rnd, actors };
  const stubs = await writeSixYearsAgo(ctx);
  await writeVersionChange(ctx);
  await writeYear(ctx);
  await writeRecentWeeks(ctx, stubs);
  await writeServiceDesk(ctx, clock, now, deps.bot);
  clock.set(now);

  const count = async (table: string) =>
    Number((await ds.query<Array<{ n: string | number }>>(`SELECT COUNT(*) AS "n" FROM "${table}"`))[0].n);
  return {
    units: await count('unit'),
    billTypes: await count('bill_type'),
    journalRows: await count('journal_entry'),
    documents: await count('bill_document'),
  };
}

/**
 * Loads the demo into an empty database through a system of its own (the production wiring) whose
 * clock the loader moves through six years of history and leaves at the present.
 */
export async function loadDemoInto(ds: DataSource, config: Config, logger: Logger): Promise<DemoSummary> {
  const clock = fixedClock(systemClock.now());
  const system = await buildSystem({ ...config, DEMO: false }, logger, { clock, database: ds });
  try {
    return await loadDemoData({ ds, services: system.services, clock, bot: (await system.bot()).bot });
  } finally {
    await system.close();
  }
}
