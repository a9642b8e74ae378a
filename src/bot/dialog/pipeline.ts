import { performance } from 'node:perf_hooks';
import type { Actor } from '../../domain/identity/actor';
import { NONE, type Classification } from '../nlp/classifier';
import { extractEntities, type Entities } from '../nlp/entities';
import type { KnowledgeBase } from '../nlp/kb-loader';
import { normalizeText } from '../nlp/normalize';
import { isFollowUp, makeContextStore, mergeEntities } from './context';
import { answerDocuments, intentForDocumentNo } from './document-answers';
import { parseCommand, runCommand } from './engineer-commands';
import { escalate, notRegistered } from './escalation';
import { logExchange } from './exchange-log';
import { capReply } from './format';
import { DOMAIN_INTENTS, kbAnswer, say, withRegion } from './kb-answers';
import { scopeOf } from './scope';
import { answerStock } from './stock-answer';
import { answerSurvey } from './survey-answer';
import { answerTickets } from './ticket-answer';
import type { NlpModel } from './nlp-holder';
import type { DialogDeps, DialogResult, InboundText, Turn } from './types';
import { isUnitScoped } from '../../domain/policy';

/** One WeCom text message: every reply fits a passive reply or a single app message. */
const MAX_REPLY_BYTES = 2048;
const EMOJI = /\p{Extended_Pictographic}/u;

type Outcome = Omit<DialogResult, 'entities'> & { entities?: Entities; remember?: boolean };

/** The channel-independent conversation: identity → commands → NLP → answer or escalation → log. */
export function makePipeline(deps: DialogDeps) {
  const contexts = makeContextStore(deps.clock);
  const plain = (reply: string, intent = NONE, score = 0): Outcome => ({ reply, intent, score, escalated: false, ticketId: null });

  async function answerIntent(kb: KnowledgeBase, turn: Turn, intent: string): Promise<string> {
    const scope = await scopeOf(turn, deps.facts);
    if (intent === 'ticket.status') return answerTickets(deps, turn);
    if (scope.kind === 'no-unit') return say(kb, 'noUnit');
    if (intent === 'stock.query') return withRegion(kb, await answerStock(deps, turn, scope));
    const docIntent = intentForDocumentNo(turn.entities.documentNo, intent as 'application.status');
    return withRegion(kb, await answerDocuments(deps, turn, scope, docIntent));
  }

  async function respond(msg: InboundText, model: NlpModel, actor: Actor): Promise<Outcome> {
    const { kb, classifier } = model;
    const command = parseCommand(msg.text);
    if (command) return plain(await runCommand(deps.services.tickets, actor, command), 'engineer.command', 1);
    const survey = await answerSurvey(deps.services.returnVisits, actor, msg.text);
    if (survey) return plain(survey, 'visit.rating', 1);
    const normalized = normalizeText(msg.text);
    if (!normalized.replace(/#/g, '').trim()) return plain(say(kb, EMOJI.test(msg.text) ? 'emojiOnly' : 'empty'));

    const namedUnit = await deps.facts.unitNamedIn(msg.text);
    // Bureau staff may ask about any unit by name; the corpus teaches that naming another unit is
    // off-limits (for unit staff), so the bureau's question is classified without the name.
    const bureauAsksUnit = namedUnit !== null && !isUnitScoped(actor);
    let c: Classification = await classifier.classify(bureauAsksUnit ? msg.text.replace(namedUnit.name, '') : msg.text);
    let entities = extractEntities(msg.text, { billTypes: await deps.facts.billTypes(), now: msg.receivedAt });
    const previous = contexts.get(msg.senderId);
    const switchedSubject = DOMAIN_INTENTS.has(c.intent) && c.score >= deps.threshold;
    if (previous && !switchedSubject && isFollowUp(msg.text, entities)) {
      const carried = entities.billType ? { ...previous.entities, documentNo: undefined } : previous.entities;
      entities = mergeEntities(carried, entities);
      c = { ...c, intent: previous.intent, score: Math.max(deps.threshold, 0.9), source: 'rule', reason: 'follow-up' };
    }
    const turn: Turn = { actor, text: msg.text, entities, namedUnit, receivedAt: msg.receivedAt };
    const base = { intent: c.intent, score: c.score, entities };

    const asksData = DOMAIN_INTENTS.has(c.intent) || c.intent === NONE;
    if (isUnitScoped(actor) && ((namedUnit && namedUnit.id !== actor.unitId && asksData) || c.reason === 'must-not.other-unit')) {
      const own = actor.unitId === null ? null : await deps.facts.unit(actor.unitId);
      return { ...base, ...plain(say(kb, 'otherUnit', { 'unit.name': own?.name ?? '本单位' }), c.intent, c.score) };
    }
    if (c.source === 'rule' && c.reason?.startsWith('must-not.')) return { ...base, ...plain(say(kb, 'cannotAct'), c.intent, c.score) };
    if (c.source === 'rule' && (c.reason === 'no-chinese' || c.reason === 'digits-only'))
      return { ...base, ...plain(say(kb, 'rephrase'), c.intent, c.score) };

    const bureau = !isUnitScoped(actor);
    if (c.intent === 'handoff.human' || c.intent === 'fault.report') {
      const kind = c.intent === 'fault.report' ? 'fault' : 'handoff';
      const e = await escalate(deps, kb, { actor, senderId: msg.senderId, text: msg.text, classification: c, kind });
      return { ...base, reply: e.reply, escalated: true, ticketId: e.ticketId };
    }
    if (c.intent === NONE || c.score < deps.threshold || !kb.intents.some((i) => i.intent === c.intent)) {
      if (bureau) return { ...base, ...plain(say(kb, 'bureauUnclear'), c.intent, c.score) };
      const e = await escalate(deps, kb, { actor, senderId: msg.senderId, text: msg.text, classification: c, kind: 'question' });
      return { ...base, reply: e.reply, escalated: true, ticketId: e.ticketId };
    }
    if (DOMAIN_INTENTS.has(c.intent))
      return { ...base, reply: await answerIntent(kb, turn, c.intent), escalated: false, ticketId: null, remember: true };
    return { ...base, reply: kbAnswer(kb, c.intent) ?? say(kb, 'fallback'), escalated: false, ticketId: null };
  }

  return {
    /** Answers one message; never throws (errors are logged and a friendly fallback goes back). */
    async handleMessage(msg: InboundText): Promise<DialogResult> {
      const started = performance.now();
      // One (kb, classifier) pair for the whole turn, even if a retrain swaps the model meanwhile.
      const model = deps.nlp.current();
      const { kb } = model;
      let actor: Actor | null = null;
      let out: Outcome;
      try {
        actor = await deps.services.users.actorForWecom(msg.senderId);
        out = actor ? await respond(msg, model, actor) : plain(notRegistered(kb));
      } catch (err) {
        deps.logger.error({ err, channel: msg.channel }, 'bot pipeline failed; sending the fallback answer');
        out = plain(say(kb, 'fallback'));
      }
      if (out.remember && actor) contexts.set(msg.senderId, out.intent, out.entities ?? {});
      const result: DialogResult = {
        reply: capReply(out.reply, MAX_REPLY_BYTES),
        intent: out.intent,
        score: Math.round(out.score * 1000) / 1000,
        escalated: out.escalated,
        ticketId: out.ticketId,
        entities: out.entities ?? {},
      };
      await logExchange(deps.ds, deps.logger, {
        msg,
        result,
        userId: actor?.userId ?? null,
        unitId: actor?.unitId ?? null,
        kbVersion: kb.version,
        latencyMs: performance.now() - started,
      });
      deps.metrics?.answered({
        channel: msg.channel,
        intent: result.intent,
        escalated: result.escalated,
        seconds: (performance.now() - started) / 1000,
      });
      return result;
    },
    contexts,
  };
}
export type Pipeline = ReturnType<typeof makePipeline>;
