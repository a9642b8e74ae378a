import { join } from 'node:path';
import { makeClassifier, type Classifier } from '../../src/bot/nlp/classifier';
import { loadKnowledgeBase, type KnowledgeBase } from '../../src/bot/nlp/kb-loader';
import { systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import type { TestApp } from './test-app';

export const KB_DIR = join(__dirname, '../../knowledge-base');
export const THRESHOLD = 0.5; // the production default (docs/nlp-evaluation.md)

/** Loads the real knowledge base and trains the classifier once (tests of the classifier itself). */
export async function trainedNlp(): Promise<{ kb: KnowledgeBase; classifier: Classifier }> {
  const kb = loadKnowledgeBase(KB_DIR);
  const classifier = makeClassifier();
  await classifier.train(kb);
  return { kb, classifier };
}

/** The bot of a test app's system (built as `npm start` builds it) and the services tests drive beside it. */
export async function botFor(t: TestApp) {
  const { bot } = await t.system.bot();
  return {
    bot,
    tickets: t.services.tickets,
    writeoffs: t.services.writeoffs,
    destructions: t.services.destructions,
    logger: t.system.logger,
  };
}
export type BotFixture = Awaited<ReturnType<typeof botFor>>;

/** The bot tests' bureau: 医疗收费票据 (YL01, alias 医疗票) and 市第二人民医院 (H2), the unit most questions come from. */
export async function seedHospital(s: DomainServices): Promise<void> {
  await s.catalog.createBillType(systemActor, {
    code: 'YL01',
    name: '医疗收费票据',
    category: 'nontax',
    aliases: ['医疗票'],
    copies: 3,
    retentionYears: 5,
    electronic: false,
  });
  await s.catalog.createUnit(systemActor, { code: 'H2', name: '市第二人民医院', onboardingStatus: 'online' });
}
