import { join } from 'node:path';
import type { ApiPlugin } from '../../src/api/deps';
import { makeBot, type Bot } from '../../src/bot/bot';
import { makeBotRoutes } from '../../src/bot/bot.routes';
import { makeClassifier, type Classifier } from '../../src/bot/nlp/classifier';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/bot/nlp/kb-loader';
import type { Clock } from '../../src/domain/clock';
import type { DueCalculator } from '../../src/domain/desk/desk.types';
import { makeTicketService } from '../../src/domain/desk/ticket.service';
import { makeDestructionService } from '../../src/domain/documents/destruction.service';
import { makeWriteoffService } from '../../src/domain/documents/writeoff.service';
import { makeLogger } from '../../src/logger';
import type { TestApp } from './test-app';

export const KB_DIR = join(__dirname, '../../knowledge-base');
export const THRESHOLD = 0.5; // the production default (docs/nlp-evaluation.md)

/** A due calculator for tests: every clock is due one hour after it starts. */
export const oneHourDue: DueCalculator = (receivedAt) => ({ dueAt: new Date(receivedAt.getTime() + 3600_000), rule: 'test-1h' });

/** Loads the real knowledge base and trains the classifier once (per test file). */
export async function trainedNlp(): Promise<{ kb: KnowledgeBase; classifier: Classifier }> {
  const kb = loadKnowledgeBase(KB_DIR);
  const classifier = makeClassifier();
  await classifier.train(kb);
  return { kb, classifier };
}

/**
 * A plugin whose routes are registered after the app exists (the bot needs the app's DataSource);
 * @koa/router matches against its stack per request, so late routes are served.
 */
export function latePlugin(): { plugin: ApiPlugin; attach(p: ApiPlugin): void } {
  let routers: Parameters<ApiPlugin['register']>[0] | undefined;
  return {
    plugin: { register: (r) => void (routers = r) },
    attach: (p) => p.register(routers!),
  };
}

/** The bot over a test app's database, with the services main.ts will wire. */
export function botFor(t: TestApp, nlp: { kb: KnowledgeBase; classifier: Classifier }, clock: Clock = t.clock) {
  const deps = { ds: t.ds, clock };
  const tickets = makeTicketService({ ...deps, due: oneHourDue });
  const writeoffs = makeWriteoffService(deps);
  const destructions = makeDestructionService(deps);
  const logger = makeLogger('silent');
  const bot: Bot = makeBot({
    ds: t.ds,
    clock,
    logger,
    kb: nlp.kb,
    classifier: nlp.classifier,
    threshold: THRESHOLD,
    services: { users: t.services.users, stock: t.services.stock, applications: t.services.applications, writeoffs, destructions, tickets },
  });
  const routes = makeBotRoutes({
    bot,
    clock,
    logger,
    rebuildModel: async () => {
      const kb = loadKnowledgeBase(KB_DIR);
      const classifier = makeClassifier();
      await classifier.train(kb);
      return { kb, classifier };
    },
  });
  return { bot, routes, tickets, writeoffs, destructions, logger };
}
