import type { Clock } from '../domain/clock';
import type { BotPort, ButtonPress, ButtonResult } from '../domain/ports/bot';
import type { Logger } from '../logger';
import type { Classifier } from './nlp/classifier';
import type { KnowledgeBase } from './nlp/kb-loader';
import { makeButtonDispatcher, type ButtonHandler } from './dialog/buttons';
import { chatOpsButtons } from './dialog/chat-ops';
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
  /** Card buttons beyond the ticket card's, by the key's action (`confirm`, `approve` …). */
  buttons?: Readonly<Record<string, ButtonHandler>>;
}

/** Wires the conversation: identity, NLP, domain answers, escalation and the exchange log. */
export function makeBot(deps: BotDeps) {
  const logger = deps.logger.child({ component: 'bot' });
  const nlp = makeNlpHolder({ kb: deps.kb, classifier: deps.classifier });
  const dialogDeps = { clock: deps.clock, logger, services: deps.services, nlp, threshold: deps.threshold, metrics: deps.metrics };
  const pipeline = makePipeline(dialogDeps);
  const buttons = makeButtonDispatcher(dialogDeps, { ...chatOpsButtons(), ...deps.buttons });

  async function pressButton(p: ButtonPress): Promise<ButtonResult> {
    try {
      return await buttons.press(p);
    } catch (err) {
      logger.error({ err, channel: p.channel }, 'bot button press failed');
      return { reply: say(nlp.current().kb, 'fallback'), card: null };
    }
  }

  /** Event → answer; events not listed need none. */
  const events: Record<string, (e: InboundEvent, kb: KnowledgeBase) => Promise<string | null>> = {
    enter_agent: async (_e, kb) => say(kb, 'welcome'),
    // A card button: the same dispatcher as POST /bot/buttons, with the presser's ResponseCode.
    async template_card_event(e) {
      if (!e.eventKey) return null;
      const r = await pressButton({
        channel: e.channel,
        senderId: e.senderId,
        key: e.eventKey,
        responseCode: e.responseCode,
        receivedAt: e.receivedAt,
      });
      return r.reply;
    },
  };

  const port: BotPort = {
    handleMessage: (msg: InboundText): Promise<DialogResult> => pipeline.handleMessage(msg),
    pressButton,
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
