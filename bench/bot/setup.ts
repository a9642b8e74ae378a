import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Koa from 'koa';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { buildApp } from '../../src/api/app';
import { makeTokenService } from '../../src/api/auth/token';
import { makeBot } from '../../src/bot/bot';
import { makeBotRoutes } from '../../src/bot/bot.routes';
import { makeWecomCallbackRoutes } from '../../src/bot/channels/wecom/callback.routes';
import { generateEncodingAESKey } from '../../src/bot/channels/wecom/fake-server';
import { makeClassifier, type Classifier } from '../../src/bot/nlp/classifier';
import type { KnowledgeBase } from '../../src/bot/nlp/kb-loader';
import { makePromBotMetrics } from '../../src/boot-metrics';
import { systemClock } from '../../src/domain/clock';
import { User } from '../../src/domain/identity/user.entity';
import { makeDomainServices } from '../../src/domain/services';
import { makeLogger } from '../../src/logger';
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

/** The real app (auth, zod, bot routes, WeCom callback, metrics) over `ds`, listening on loopback. */
export async function startBotApp(ds: DataSource, kb: KnowledgeBase, classifier: Classifier, threshold: number) {
  const clock = systemClock;
  const logger = makeLogger('silent');
  const services = makeDomainServices({ ds, clock });
  const metrics = new Registry();
  const bot = makeBot({ ds, clock, logger, kb, classifier, threshold, services, metrics: makePromBotMetrics(metrics) });
  const wecom = { token: 'benchToken01', encodingAESKey: generateEncodingAESKey(), corpId: 'wwbenchcorp0001', agentId: '1000002' };
  const plugins = [
    makeBotRoutes({ bot, clock, logger }),
    makeWecomCallbackRoutes({
      ds,
      clock,
      logger,
      bot,
      token: wecom.token,
      encodingAESKey: wecom.encodingAESKey,
      corpId: wecom.corpId,
      replayWindowS: 600,
    }),
  ];
  const tokens = makeTokenService('bench-secret-bench-secret-bench-secret-01', 3600, clock);
  const app = buildApp({ ds, logger, clock, tokens, metrics, services, plugins });
  const { server, origin } = await listen(app);
  const operator = await ds.getRepository(User).findOneByOrFail({ role: 'operator' } as never);
  const token = (await tokens.sign(operator.id)).token;
  const staff = (await ds.getRepository(User).find({ where: { role: 'unit_staff' } as never }))
    .map((u) => u.wecomUserId)
    .filter((id): id is string => Boolean(id));
  return { origin, token, staff, wecom, bot, metrics, close: () => new Promise<void>((r) => server.close(() => r())) };
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
