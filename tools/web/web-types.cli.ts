// npm run web:types — writes web/src/shared/api-types.ts from the OpenAPI document of the app as
// `npm start` builds it, over an in-memory SQLite database (no server, no PostgreSQL needed).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { makeLogger } from '../../src/logger';
import { buildSystem } from '../../src/system';
import { apiTypesFile, apiTypesSource } from './api-types';

async function main(): Promise<void> {
  const root = join(__dirname, '../../..');
  // Only fixed settings (not the caller's environment): the document, and so the file, must not depend on who runs it.
  const config = loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    NLP_MODEL_DIR: join(root, 'node_modules/.cache/fbd-nlp-models'),
    KB_DIR: join(root, 'knowledge-base'),
    LOG_LEVEL: 'silent',
    AUTH_SECRET: 'openapi-types-only-openapi-types-only-0',
  });
  const system = await buildSystem(config, makeLogger('silent'));
  try {
    const port = await system.listen(0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
    const file = apiTypesFile(root);
    await writeFile(file, await apiTypesSource((await res.json()) as object));
    console.log(`wrote ${file}`);
  } finally {
    await system.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
