import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTypesFile, apiTypesSource } from '../../tools/web/api-types';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('the workbench’s API types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('when the API changes, then web/src/shared/api-types.ts is out of date: run `npm run web:types` (the pages are type-checked against it)', async () => {
    const doc = (await t.call('GET', '/api/v1/openapi.json')).body;
    const fresh = await apiTypesSource(doc);
    const committed = readFileSync(apiTypesFile(join(__dirname, '../..')), 'utf8');
    // Compared whole: a difference means the committed types no longer describe the API.
    expect(committed === fresh, 'web/src/shared/api-types.ts differs from the API: run npm run web:types').toBe(true);
  });
});
