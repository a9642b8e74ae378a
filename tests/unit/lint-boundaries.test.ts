import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The dependency rule of architecture.md is a lint error: each forbidden import below must be reported.
const root = join(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** The no-restricted-imports messages ESLint gives for `code` placed at `file` (an existing file of that layer). */
async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (npm run lint)', () => {
  it('when the domain imports the API, the bot, the jobs, Koa, Bull, ioredis or the NLP engine, then lint fails', async () => {
    const code = [
      "import type { AppDeps } from '../api/deps';",
      "import type { Bot } from '../bot/bot';",
      "import type { JobsRuntime } from '../jobs/runtime';",
      "import Koa from 'koa';",
      "import Bull from 'bull';",
      "import Redis from 'ioredis';",
      "import { containerBootstrap } from '@nlpjs/core';",
      'export const all = [Koa, Bull, Redis, containerBootstrap] as unknown as [AppDeps, Bot, JobsRuntime];',
    ].join('\n');
    expect(await restricted('src/domain/policy.ts', code)).toHaveLength(7);
  });

  it('when a domain service imports TypeORM, then lint fails; a repository may', async () => {
    const code = "import { In } from 'typeorm';\nexport const x = In;\n";
    expect(await restricted('src/domain/documents/application.service.ts', code)).toHaveLength(1);
    expect(await restricted('src/domain/documents/documents.repository.ts', code)).toEqual([]);
  });

  it('when the bot or the jobs import the API, or the API imports the bot, then lint fails', async () => {
    expect(await restricted('src/bot/bot.ts', "import type { AppDeps } from '../api/deps';\nexport type X = AppDeps;\n")).toHaveLength(1);
    expect(await restricted('src/jobs/runtime.ts', "import type { AppDeps } from '../api/deps';\nexport type X = AppDeps;\n")).toHaveLength(
      1,
    );
    expect(await restricted('src/api/app.ts', "import type { Bot } from '../bot/bot';\nexport type X = Bot;\n")).toHaveLength(1);
  });

  it('when production code or a bench imports tests/, or production imports tools/, then lint fails', async () => {
    expect(await restricted('src/system.ts', "import { ADMIN } from '../tests/helpers/test-app';\nexport const a = ADMIN;\n")).toHaveLength(
      1,
    );
    expect(
      await restricted('src/system.ts', "import { DEMO_PASSWORD } from '../tools/demo/demo-data';\nexport const p = DEMO_PASSWORD;\n"),
    ).toHaveLength(1);
    expect(
      await restricted('bench/ledger.bench.ts', "import { ADMIN } from '../tests/helpers/test-app';\nexport const a = ADMIN;\n"),
    ).toHaveLength(1);
  });
}, 60_000);
