import type { Clock } from '../domain/clock';
import type { BotPort } from '../domain/ports/bot';
import type { Logger } from '../logger';
import type { Classifier } from './nlp/classifier';
import type { KnowledgeBase } from './nlp/kb-loader';
import { parseCardKey, runCommand } from './dialog/engineer-commands';
import { notRegistered } from './dialog/escalation';
import { say } from './dialog/kb-answers';
import { makeNlpHolder } from './dialog/nlp-holder';
import { makePipeline } from './dialog/pipeline';
import type { BotMetrics, BotServices, DialogResult, InboundEvent, InboundText } from './dialog/types';

export type { BotMetrics, BotServices, DialogResult, InboundEvent, InboundText } from './dialog/types';

export interface BotDeps {
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
  const pipeline = makePipeline({
    clock: deps.clock,
    logger,
    services: deps.services,
    nlp,
    threshold: deps.threshold,
    metrics: deps.metrics,
  });

  /** Event → answer; events not listed need none. */
  const events: Record<string, (e: InboundEvent, kb: KnowledgeBase) => Promise<string | null>> = {
    enter_agent: async (_e, kb) => say(kb, 'welcome'),
    // A card button (认领 / 已解决) is the engineer command it names.
    async template_card_event(e, kb) {
      const cmd = parseCardKey(e.eventKey);
      if (!cmd) return null;
      const actor = await deps.services.users.actorForWecom(e.senderId);
      if (!actor) return notRegistered(kb);
      return runCommand(deps.services.tickets, actor, cmd);
    },
  };

  const port: BotPort = {
    handleMessage: (msg: InboundText): Promise<DialogResult> => pipeline.handleMessage(msg),
    async handleEvent(e: InboundEvent): Promise<string | null> {
      const { kb } = await pipeline.current();
      const handler = Object.hasOwn(events, e.event) ? events[e.event] : undefined;
      try {
        return handler ? await handler(e, kb) : null;
      } catch (err) {
        logger.error({ err, event: e.event }, 'bot event failed');
        return say(kb, 'fallback');
      }
    },
    textOnly: (): string => say(pipeline.currentCached().kb, 'textOnly'),
    fallback: (): string => say(pipeline.currentCached().kb, 'fallback'),
  };

  return {
    ...port,
    /** The live (kb, classifier) pair; retrain through nlp.retrain. */
    nlp,
    contexts: pipeline.contexts,
  };
}
export type Bot = ReturnType<typeof makeBot>;
