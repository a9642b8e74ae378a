/**
 * Loads the demo bureau into DATABASE_URL: `npm run demo`. An empty database gets bill types,
 * ~30 units, people (the demo password) and a history; one that already has units is left alone.
 */
import 'reflect-metadata';
import { cliArgs, defineCli } from '../../src/cli/args';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/domain/db/data-source';
import { dialectOf } from '../../src/domain/db/dialect';
import { makeLogger } from '../../src/logger';
import { DEMO_PASSWORD, isDatabaseEmpty, loadDemoInto } from './demo-data';

const DEMO_CLI = defineCli({
  name: 'demo',
  usage: 'npm run demo [-- --help]',
  about:
    'Loads the demo bureau (bill types, ~30 units, people with the demo password, six years of history and three weeks of ' +
    'service-desk activity) into the database of DATABASE_URL, when it has no units or bill types yet. Takes no flags.',
  flags: {},
});

async function main(): Promise<void> {
  cliArgs(DEMO_CLI);
  const config = loadConfig();
  const ds = await openDatabase(config.DATABASE_URL);
  try {
    if (!(await isDatabaseEmpty(ds))) {
      console.log(`the database (${dialectOf(ds).kind}) already has units or bill types: demo data not loaded`);
      return;
    }
    const started = Date.now();
    const s = await loadDemoInto(ds, config, makeLogger('warn'));
    console.log(
      `demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${s.units} units, ${s.billTypes} bill types, ` +
        `${s.documents} documents, ${s.journalRows} journal rows. Users: chenjing (operator), zhanggong (engineer), ` +
        `lijuzhang (leader), wangfang … (unit staff); password ${DEMO_PASSWORD}`,
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
