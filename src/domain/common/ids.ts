import { z } from 'zod';

/** The largest id a row can have: ids are PostgreSQL `integer` columns (and SQLite follows suit). */
export const MAX_ID = 2_147_483_647;

const ID_MESSAGE = 'id 必须是正整数';

/** An id in a JSON body: a positive integer no larger than a column holds. */
export const idSchema = z.number({ message: ID_MESSAGE }).int(ID_MESSAGE).positive(ID_MESSAGE).max(MAX_ID, ID_MESSAGE);

/**
 * An id in a path or query string: decimal digits only. Number() would also take " 1", "1e0",
 * "0x1" and "1.0" as id 1, so one record would answer to many spellings.
 */
export const idTextSchema = z
  .string({ message: ID_MESSAGE })
  .regex(/^[1-9]\d{0,9}$/, ID_MESSAGE)
  .transform(Number)
  .pipe(idSchema);
