import type { DataSource, Logger as OrmLogger } from 'typeorm';

/** Every statement TypeORM sends through `ds` while `work` runs (BEGIN/COMMIT included). */
export async function statementsDuring(ds: DataSource, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = ds.logger;
  // Both drivers report each statement to the DataSource's logger before sending it.
  const counting: OrmLogger = {
    logQuery: (query, parameters, runner) => {
      seen.push(query);
      original.logQuery(query, parameters, runner);
    },
    logQueryError: (...a) => original.logQueryError(...a),
    logQuerySlow: (...a) => original.logQuerySlow(...a),
    logSchemaBuild: (...a) => original.logSchemaBuild(...a),
    logMigration: (...a) => original.logMigration(...a),
    log: (...a) => original.log(...a),
  };
  (ds as { logger: OrmLogger }).logger = counting;
  try {
    await work();
  } finally {
    (ds as { logger: OrmLogger }).logger = original;
  }
  return seen;
}
