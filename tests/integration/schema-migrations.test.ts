import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb } from '../helpers/test-db';

describe('schema migrations', () => {
  let db: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db?.close());

  it('when the migrations have run, then the schema matches the entities exactly', async () => {
    // An entity changed without a new migration shows up here as pending DDL.
    const pending = await db.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('when the migrations have run, then none is pending', async () => {
    expect(await db.ds.showMigrations()).toBe(false);
  });
});
