import { performance } from 'node:perf_hooks';
import type { WecomSender } from '../../domain/identity/user.service';
import { isUnitScoped } from '../../domain/policy';
import { NONE, type Classification } from '../nlp/classifier';
import { extractEntities, type Entities } from '../nlp/entities';
import { normalizeText } from '../nlp/normalize';
import { effectiveRegion } from '../../domain/settings/region-settings';
import { isFollowUp, makeContextStore, mergeEntities } from './context';
import { parseCommand, runCommand } from './engineer-commands';
import { notRegistered } from './escalation';
import { capReply } from './format';
import { DOMAIN_INTENTS, FAQ, HANDLERS, UNSURE, type IntentHandler } from './handlers';
import { say } from './kb-answers';
import type { NlpModel } from './nlp-holder';
import { answerSurvey } from './survey-answer';
import type { DialogDeps, DialogResult, InboundText, Turn } from './types';
import { namesOf, unitNamedIn } from '../../domain/catalog/unit-names';

/** One WeCom text message: every reply fits a passive reply or a single app message. */
const MAX_REPLY_BYTES = 2048;
const EMOJI = /\p{Extended_Pictographic}/u;

type Outcome = Omit<DialogResult, 'entities'> & { entities?: Entities; remember?: boolean };

const plain = (reply: string, intent = NONE, score = 0): Outcome => ({ reply, intent, score, escalated: false, ticketId: null });

/** A message as it arrives, before classification. */
interface Arrival {
  msg: InboundText;
  model: NlpModel;
  sender: WecomSender;
}

/** A message after classification and entity extraction. */
interface Understood extends Arrival {
  turn: Turn;
  c: Classification;
}

/** The channel-independent conversation: identity → commands → NLP → answer or escalation → log. */
export function makePipeline(deps: DialogDeps) {
  const contexts = makeContextStore(deps.clock);
  const { services } = deps;
  // Region values last read from the settings; every message reads them afresh (an admin's change applies at once).
  let region: Record<string, string> = {};

  async function refreshRegion(): Promise<void> {
    try {
      region = (await services.region?.values()) ?? {};
    } catch (err) {
      deps.logger.error({ err }, 'region settings could not be read; answers use the last known values');
    }
  }

  /** The model with answers rendered in the region's values (unset ones: neutral wording or the contact). */
  const localised = (m: NlpModel): NlpModel => ({ ...m, kb: { ...m.kb, region: effectiveRegion(m.kb.region, region) } });

  /** Texts that are not questions, tried in order before classification. */
  const beforeClassifying: Array<(a: Arrival) => Promise<Outcome | null>> = [
    async ({ msg, sender }) => {
      const command = parseCommand(msg.text);
      if (!command) return null;
      // A command acts on a ticket in someone's name: always the caller's, never the member an admin speaks as.
      return plain(await runCommand(services.tickets, msg.caller ?? sender.actor, command, sender.actor), 'engineer.command', 1);
    },
    async ({ msg, sender }) => {
      const survey = await answerSurvey(services.returnVisits, sender, msg.text);
      return survey ? plain(survey, 'visit.rating', 1) : null;
    },
    async ({ msg, model }) =>
      normalizeText(msg.text).replace(/#/g, '').trim() ? null : plain(say(model.kb, EMOJI.test(msg.text) ? 'emojiOnly' : 'empty')),
  ];

  /** Refusals that win over any intent, in order: another unit's data, must-not requests, unreadable text. */
  const guards: Array<(u: Understood) => string | null> = [
    ({ model, sender, turn, c }) => {
      const { actor, namedUnit } = turn;
      const asksData = DOMAIN_INTENTS.has(c.intent) || c.intent === NONE;
      const otherUnit = (namedUnit !== null && namedUnit.id !== actor.unitId && asksData) || c.reason === 'must-not.other-unit';
      return isUnitScoped(actor) && otherUnit ? say(model.kb, 'otherUnit', { 'unit.name': sender.unitName ?? '本单位' }) : null;
    },
    ({ model, c }) => (c.source === 'rule' && c.reason?.startsWith('must-not.') ? say(model.kb, 'cannotAct') : null),
    ({ model, c }) => (c.source === 'rule' && (c.reason === 'no-chinese' || c.reason === 'digits-only') ? say(model.kb, 'rephrase') : null),
  ];

  /** Classifies the text and extracts entities; a short follow-up reuses the previous domain intent. */
  async function understand(a: Arrival): Promise<Understood> {
    const { msg, model, sender } = a;
    const named = unitNamedIn(await services.directory.units(), msg.text);
    const namedUnit = named && { id: named.id, code: named.code, name: named.name };
    // Bureau staff may ask about any unit by name; the corpus teaches that naming another unit is
    // off-limits (for unit staff), so the bureau's question is classified without the name.
    const bureauAsksUnit = named !== null && !isUnitScoped(sender.actor);
    let c = await model.classifier.classify(bureauAsksUnit ? withoutNames(msg.text, namesOf(named)) : msg.text);
    const billTypes = (await services.directory.billTypes()).filter((b) => b.active);
    let entities = extractEntities(msg.text, { billTypes, now: msg.receivedAt });
    const previous = contexts.get(msg.senderId);
    const switchedSubject = DOMAIN_INTENTS.has(c.intent) && c.score >= deps.threshold;
    if (previous && !switchedSubject && isFollowUp(msg.text, entities)) {
      const carried = entities.billType ? { ...previous.entities, documentNo: undefined } : previous.entities;
      entities = mergeEntities(carried, entities);
      c = { ...c, intent: previous.intent, score: Math.max(deps.threshold, 0.9), source: 'rule', reason: 'follow-up' };
    }
    const turn: Turn = { sender, actor: sender.actor, text: msg.text, entities, namedUnit, receivedAt: msg.receivedAt };
    return { ...a, turn, c };
  }

  /** The handler for a classified message: the table's, or escalation when the bot is not confident. */
  function handlerFor({ model, c }: Understood): IntentHandler | null {
    const handler = HANDLERS[c.intent];
    if (handler?.anyScore) return handler;
    const confident = c.intent !== NONE && c.score >= deps.threshold && model.kb.intents.some((i) => i.intent === c.intent);
    if (confident) return handler ?? FAQ;
    return null;
  }

  async function respond(a: Arrival): Promise<Outcome> {
    for (const step of beforeClassifying) {
      const out = await step(a);
      if (out) return out;
    }
    const u = await understand(a);
    const { c, turn, model } = u;
    const base = { intent: c.intent, score: c.score, entities: turn.entities, escalated: false, ticketId: null };
    for (const guard of guards) {
      const reply = guard(u);
      if (reply !== null) return { ...base, reply };
    }
    const handler = handlerFor(u);
    // Bureau staff get a hint instead of a ticket: they are the people a ticket would go to.
    if (!handler && !isUnitScoped(turn.actor)) return { ...base, reply: say(model.kb, 'bureauUnclear') };
    const chosen = handler ?? UNSURE;
    const answer = await chosen.answer({ deps, kb: model.kb, turn, caller: a.msg.caller ?? null, classification: c });
    return {
      ...base,
      reply: answer.reply,
      escalated: answer.escalated ?? false,
      ticketId: answer.ticketId ?? null,
      remember: chosen.domain,
    };
  }

  async function record(msg: InboundText, result: DialogResult, sender: WecomSender | null, kbVersion: string, started: number) {
    try {
      await services.exchangeLog.record({
        channel: msg.channel,
        senderId: msg.senderId,
        messageId: msg.messageId ?? null,
        userId: sender?.actor.userId ?? null,
        callerUserId: msg.caller?.userId ?? null,
        unitId: sender?.actor.unitId ?? null,
        text: msg.text,
        intent: result.intent,
        score: result.score,
        answer: result.reply,
        escalated: result.escalated,
        ticketId: result.ticketId,
        entities: result.entities as Record<string, unknown>,
        kbVersion,
        latencyMs: performance.now() - started,
        at: msg.receivedAt,
      });
    } catch (err) {
      // The user already has an answer; a lost log row must not turn into an error for them.
      deps.logger.error({ err, channel: msg.channel }, 'bot exchange could not be stored');
    }
  }

  return {
    /** Answers one message; never throws (errors are logged and a friendly fallback goes back). */
    async handleMessage(msg: InboundText): Promise<DialogResult> {
      const started = performance.now();
      // One (kb, classifier) pair for the whole turn, even if a retrain swaps the model meanwhile.
      await refreshRegion();
      const model = localised(deps.nlp.current());
      const { kb } = model;
      let sender: WecomSender | null = null;
      let out: Outcome;
      try {
        sender = await (msg.userId !== undefined ? services.users.senderForUser(msg.userId) : services.users.senderForWecom(msg.senderId));
        out = sender ? await respond({ msg, model, sender }) : plain(notRegistered(kb));
      } catch (err) {
        deps.logger.error({ err, channel: msg.channel }, 'bot pipeline failed; sending the fallback answer');
        out = plain(say(kb, 'fallback'));
      }
      if (out.remember && sender) contexts.set(msg.senderId, out.intent, out.entities ?? {});
      const result: DialogResult = {
        reply: capReply(out.reply, MAX_REPLY_BYTES),
        intent: out.intent,
        score: Math.round(out.score * 1000) / 1000,
        escalated: out.escalated,
        ticketId: out.ticketId,
        entities: out.entities ?? {},
      };
      await record(msg, result, sender, kb.version, started);
      deps.metrics?.answered({
        channel: msg.channel,
        intent: result.intent,
        escalated: result.escalated,
        seconds: (performance.now() - started) / 1000,
      });
      return result;
    },
    contexts,
    /** The live model in the region's current values (events and fixed texts outside a message). */
    async current(): Promise<NlpModel> {
      await refreshRegion();
      return localised(deps.nlp.current());
    },
    /** As current(), without reading the settings again (synchronous fallbacks). */
    currentCached: (): NlpModel => localised(deps.nlp.current()),
  };
}
export type Pipeline = ReturnType<typeof makePipeline>;

/** The text with a unit's names taken out, longest first (市第二中学 goes before 二中). */
function withoutNames(text: string, names: readonly string[]): string {
  return [...names].sort((a, b) => b.length - a.length).reduce((t, n) => t.split(n).join(''), text.normalize('NFKC'));
}
