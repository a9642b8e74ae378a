import type { DataSource } from 'typeorm';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Classifier } from './nlp/classifier';
import type { KnowledgeBase } from './nlp/kb-loader';
import { parseCardKey, runCommand } from './dialog/engineer-commands';
import { say } from './dialog/kb-answers';
import { makeNlpHolder } from './dialog/nlp-holder';
import { makePipeline } from './dialog/pipeline';
import type { BotMetrics, BotServices, DialogResult, InboundText } from './dialog/types';
import { makeUnitFacts } from './dialog/unit-facts';

export type { BotMetrics, BotServices, DialogResult, InboundText } from './dialog/types';

/** A channel event the bot reacts to (WeCom enter_agent, template card clicks). */
export interface InboundEvent {
  channel: string;
  senderId: string;
  event: string;
  eventKey?: string;
  receivedAt: Date;
}

export interface BotDeps {
  ds: DataSource;
  clock: Clock;
  logger: Logger;
  services: BotServices;
  kb: KnowledgeBase;
  /** Already trained (or restored from the model cache) on `kb`. */
  classifier: Classifier;
  /** NLP_THRESHOLD. */
  threshold: number;
  /** Counts answers by channel, intent and escalation (absent = not counted). */
  metrics?: BotMetrics;
}

/** Wires the conversation: identity, NLP, domain answers, escalation and the exchange log. */
export function makeBot(deps: BotDeps) {
  const logger = deps.logger.child({ component: 'bot' });
  const nlp = makeNlpHolder({ kb: deps.kb, classifier: deps.classifier });
  const facts = makeUnitFacts(deps.ds);
  const pipeline = makePipeline({
    ds: deps.ds,
    clock: deps.clock,
    logger,
    services: deps.services,
    nlp,
    facts,
    threshold: deps.threshold,
    metrics: deps.metrics,
  });

  return {
    /** Answers one text message (any channel); never throws. */
    handleMessage: (msg: InboundText): Promise<DialogResult> => pipeline.handleMessage(msg),

    /** Answers an event; null when the event needs no answer. Never throws. */
    async handleEvent(e: InboundEvent): Promise<string | null> {
      const { kb } = nlp.current();
      try {
        if (e.event === 'enter_agent') return say(kb, 'welcome');
        const cmd = e.event === 'template_card_event' ? parseCardKey(e.eventKey) : null;
        if (!cmd) return null;
        const actor = await deps.services.users.actorForWecom(e.senderId);
        if (!actor) return say(kb, 'notRegistered');
        return await runCommand(deps.services.tickets, actor, cmd);
      } catch (err) {
        logger.error({ err, event: e.event }, 'bot event failed');
        return say(kb, 'fallback');
      }
    },

    /** The polite answer to images, voice, files …. */
    textOnly: (): string => say(nlp.current().kb, 'textOnly'),
    /** The fallback used when a channel fails before the pipeline could answer. */
    fallback: (): string => say(nlp.current().kb, 'fallback'),
    /** The live (kb, classifier) pair; retrain through nlp.retrain. */
    nlp,
    contexts: pipeline.contexts,
  };
}
export type Bot = ReturnType<typeof makeBot>;
