// First: every module after it loads through the code cache.
import './boot/start-code-cache';
import 'reflect-metadata';
import { loadConfig } from './config';
import { makeLogger } from './logger';
import { closeOnSignals, exitOnStartupError } from './shutdown';
import { buildSystem } from './system';

/** `npm run worker`: job workers without HTTP; any number may run beside the app processes. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = makeLogger(config.LOG_LEVEL).child({ process: 'worker' });
  const system = await buildSystem(config, logger);
  system.startJobs({ runWorkers: true });
  logger.info('worker started');
  closeOnSignals(logger, 'worker shutting down: finishing active jobs', () => system.close());
}

main().catch(exitOnStartupError);
