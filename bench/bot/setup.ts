import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Koa from 'koa';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { buildApp } from '../../src/api/app';
import type { ApiPlugin } from '../../src/api/deps';
import { defineRoute } from '../../src/api/http/route';
import { botMessageSchema } from '../../src/domain/ports/bot.schemas';
import type { DataSource } from 'typeorm';
import { generateEncodingAESKey } from '../../tools/fake-wecom/fake-server';
import { makeClassifier, type Classifier } from '../../src/bot/nlp/classifier';
import type { KnowledgeBase } from '../../src/bot/nlp/kb-loader';
import { systemClock } from '../../src/domain/clock';
import { User } from '../../src/domain/identity/user.entity';
import { loadConfig } from '../../src/config';
import { makeLogger } from '../../src/logger';
import { buildSystem, type System } from '../../src/system';
import { HELDOUT_FILE, loadHeldOut, type HeldOutItem } from '../lib/heldout';

/** The held-out questions (bench/fixtures/nlp-heldout.yml): realistic text the corpus never saw. */
export function heldOut(root: string): HeldOutItem[] {
  return loadHeldOut(join(root, HELDOUT_FILE)).items;
}

/** Trains a fresh classifier on `kb`; ms is the first-training time. */
export async function train(kb: KnowledgeBase): Promise<{ classifier: Classifier; ms: number }> {
  const classifier = makeClassifier();
  const t0 = process.hrtime.bigint();
  await classifier.train(kb);
  return { classifier, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function listen(app: Koa): Promise<{ server: Server; origin: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

/** The real service (buildSystem as `npm start`: auth, zod, bot routes, WeCom callback, metrics) over `ds`, on loopback. */
export async function startBotApp(ds: DataSource, threshold: number) {
  const wecom = { token: 'benchToken01', encodingAESKey: generateEncodingAESKey(), corpId: 'wwbenchcorp0001', agentId: '1000002' };
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    NLP_THRESHOLD: String(threshold),
    WECOM_TOKEN: wecom.token,
    WECOM_AES_KEY: wecom.encodingAESKey,
    WECOM_CORP_ID: wecom.corpId,
    WECOM_AGENT_ID: wecom.agentId,
    // Only an admin may speak as the demo's unit staff through POST /bot/messages (bot.simulate).
    ADMIN_USERNAME: 'benchadmin',
    ADMIN_PASSWORD: `Bench${randomBytes(9).toString('hex')}`,
  });
  const system = await buildSystem(config, makeLogger('silent'), { clock: systemClock, database: ds });
  const port = await system.listen(0, '127.0.0.1');
  const { bot } = await system.bot();
  const admin = await ds.getRepository(User).findOneByOrFail({ role: 'admin' } as never);
  const token = (await system.tokens.sign(admin.id, admin.tokenVersion)).token;
  const staff = (await ds.getRepository(User).find({ where: { role: 'unit_staff' } as never }))
    .map((u) => u.wecomUserId)
    .filter((id): id is string => Boolean(id));
  return { origin: `http://127.0.0.1:${port}`, token, staff, wecom, bot, system, metrics: system.metrics, close: () => system.close() };
}

/** A bare Koa JSON endpoint: the ceiling any route of ours is compared with. */
export async function startBareKoa() {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { ok: true };
  });
  const { server, origin } = await listen(app);
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const classifiedSchema = z.object({ intent: z.string(), score: z.number(), escalated: z.boolean() });

/**
 * The yardstick of a bot turn: the real app's HTTP stack (buildApp: request log, auth with the
 * user row, zod, metrics) with one extra route, POST /api/v1/bench/classify, taking the bot's
 * request body and running the classifier and nothing else. Same texts, same token as the bot runs.
 */
export async function startClassifyApp(system: System, classifier: Classifier) {
  const plugin: ApiPlugin = {
    register({ api, registry }) {
      defineRoute(api, registry, {
        method: 'post',
        path: '/bench/classify',
        tag: 'bot',
        summary: '仅分类（基准）',
        permission: 'bot.chat',
        body: botMessageSchema,
        response: classifiedSchema,
        handler: async ({ body }) => ({ ...(await classifier.classify(body.text)), escalated: false }),
      });
    },
  };
  const app = buildApp({
    logger: makeLogger('silent'),
    clock: system.clock,
    tokens: system.tokens,
    metrics: new Registry(),
    services: system.services,
    ping: () => system.store.ping(),
    plugins: [plugin],
  });
  const { server, origin } = await listen(app);
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}
