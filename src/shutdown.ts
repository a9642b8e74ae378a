import type { Logger } from './logger';

/**
 * Closes the process cleanly on SIGTERM/SIGINT (once, however many signals arrive): `close` must
 * stop taking work and finish what is in flight; then the process exits 0.
 */
export function closeOnSignals(logger: Logger, what: string, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, what);
    try {
      await close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** The one way an entry point reports a start-up failure (config errors already name the variable). */
export function exitOnStartupError(err: Error): never {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
