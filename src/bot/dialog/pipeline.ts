import { performance } from 'node:perf_hooks';
import type { WecomSender } from '../../domain/identity/user.service';
import { isUnitScoped } from '../../domain/policy';
import { NONE, prepareText, type Classification } from '../nlp/classifier';
import { extractEntities, type Entities } from '../nlp/entities';
import { normalizeText } from '../nlp/normalize';
import { effectiveRegion } from '../../domain/settings/region-settings';
import { makeContextStore, resolveFollowUp } from './context';
import { answerBureauOverdue, asksBureauOverdue } from './bureau-answers';
import { answerDeskText } from './desk-commands';
import { runReviewCommand } from './chat-ops';
import { isDeskRole, parseCommand, runCommand } from './engineer-commands';
import { notRegistered } from './escalation';
import { capReply } from './format';
import { appendTarget, explicitAppend } from './append-rule';
import { DOMAIN_INTENTS, FAQ, FIX, HANDLERS, UNSURE, type IntentHandler } from './handlers';
import { decline, say } from './kb-answers';
import type { NlpModel } from './nlp-holder';
import { answerSurvey } from './survey-answer';
import type { DialogDeps, DialogOutcome, DialogResult, InboundText, Turn } from './types';
import { namesOf, unitNamedIn } from '../../domain/catalog/unit-names';
import { otherOrganisationIn } from './other-organisation';

/** One WeCom text message: every reply fits a passive reply or a single app message. */
const MAX_REPLY_BYTES = 2048;
const EMOJI = /\p{Extended_Pictographic}/u;
// Words of the bill system and its business: text with them is about us, whatever the model's None says.
const OUR_WORDS = /票|开具|号段|核销|申领|领购|销毁|作废|冲红|红冲|存根|ukey|u盾|证书|签章|套打|工单|库存|结存|财政/u;

type Outcome = Omit<DialogResult, 'entities'> & { entities?: Entities; remember?: boolean };

const plain = (reply: string, intent = NONE, score = 0, outcome: DialogOutcome = 'answered'): Outcome => ({
  reply,
  intent,
  score,
  escalated: false,
  ticketId: null,
  card: null,
  outcome,
});

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
  /** The asker's own unit's names (its short names are not "another unit"). */
  own: { name: string | null; aliases: readonly string[] };
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

  /**
   * The model with answers rendered in the region's values (unset ones: neutral wording or the
   * contact). Kept while neither the model nor the stored values change (both are replaced, never
   * edited in place): rebuilding it for every message was 2 % of a bot turn's CPU (bench:bot profile, 2026-12-06).
   */
  let lastLocalised: { model: NlpModel; region: Record<string, string>; out: NlpModel } | null = null;
  const localised = (m: NlpModel): NlpModel => {
    if (lastLocalised?.model === m && lastLocalised.region === region) return lastLocalised.out;
    const out = { ...m, kb: { ...m.kb, region: effectiveRegion(m.kb.region, region) } };
    lastLocalised = { model: m, region, out };
    return out;
  };

  /** Texts that are not questions, tried in order before classification. */
  const beforeClassifying: Array<(a: Arrival) => Promise<Outcome | null>> = [
    async ({ msg, sender }) => {
      const command = parseCommand(msg.text);
      if (!command) return null;
      // "#45 有人回复吗" from unit staff asks about their ticket; only a desk verb (#45 解决) is a command refused to them.
      if (command.action === 'reply' && !isDeskRole(sender.actor)) return null;
      // A command acts on a ticket in someone's name: always the caller's, never the member an admin speaks as.
      return plain(await runCommand(services.tickets, msg.caller ?? sender.actor, command, sender.actor), 'engineer.command', 1, 'command');
    },
    async ({ msg, sender }) => {
      // An operator's return with its opinion (「退回」 on a review card asks for it in this form).
      const review = await runReviewCommand(services, msg.caller ?? sender.actor, msg.text);
      return review === null ? null : plain(review, 'review.command', 1, 'command');
    },
    async ({ msg, sender }) => {
      // The engineer's queue and phone-call log act as the caller (an admin speaking as a member acts as the admin).
      const desk = await answerDeskText(services, msg.caller ?? sender.actor, msg.text, sender.actor);
      return desk === null ? null : plain(desk, 'engineer.command', 1, 'command');
    },
    // 「哪些单位逾期未核销」: bureau-wide, so answered (or refused to unit staff) before any unit-scoped intent.
    async ({ msg, sender }) =>
      asksBureauOverdue(msg.text) ? plain(await answerBureauOverdue(services, sender.actor), 'writeoff.overdue', 1) : null,
    async ({ msg, sender }) => {
      const survey = await answerSurvey(services.returnVisits, sender, msg.text);
      return survey ? plain(survey, 'visit.rating', 1) : null;
    },
    async ({ msg, model }) =>
      normalizeText(msg.text).replace(/#/g, '').trim() ? null : plain(say(model.kb, EMOJI.test(msg.text) ? 'emojiOnly' : 'empty')),
    // "补充一下…", "刚才那个问题…" while the user's ticket is open: it goes onto that ticket, whatever it says.
    async ({ msg, model, sender }) => {
      if (!explicitAppend(msg.text)) return null;
      const open = await appendTarget(deps, sender, msg.text);
      if (!open) return null;
      const c: Classification = { intent: NONE, score: 0, alternatives: [], source: 'rule', reason: 'append.explicit' };
      const turn: Turn = { sender, actor: sender.actor, text: msg.text, entities: {}, namedUnit: null, receivedAt: msg.receivedAt };
      const answer = await UNSURE.answer({ deps, kb: model.kb, turn, caller: msg.caller ?? null, classification: c });
      return { ...plain(answer.reply, NONE, 0, 'escalated'), escalated: true, ticketId: answer.ticketId ?? null };
    },
  ];

  /** Refusals that win over any intent, in order: another unit's data, must-not requests, unreadable text. */
  const guards: Array<(u: Understood) => string | null> = [
    (u) => {
      const { model, sender, turn, c } = u;
      const { actor, namedUnit } = turn;
      if (!isUnitScoped(actor)) return null;
      // Data, or something the bot is unsure of: naming another unit then is a question about its data.
      const asksData = DOMAIN_INTENTS.has(c.intent) || c.intent === NONE || c.score < deps.threshold;
      const named = namedUnit !== null && namedUnit.id !== actor.unitId;
      // A unit the directory does not know by that name (二中, 会计学会) is someone else's too.
      const other = named || (asksData && otherOrganisationIn(prepareText(turn.text), u.own) !== null);
      return (other && asksData) || c.reason === 'must-not.other-unit'
        ? say(model.kb, 'otherUnit', { 'unit.name': sender.unitName ?? '本单位' })
        : null;
    },
    ({ model, c }) => (c.source === 'rule' && c.reason?.startsWith('must-not.') ? say(model.kb, 'cannotAct') : null),
    ({ model, c }) => (c.source === 'rule' && (c.reason === 'no-chinese' || c.reason === 'digits-only') ? say(model.kb, 'rephrase') : null),
  ];

  /** Classifies the text and extracts entities; a short follow-up reuses the previous domain intent. */
  async function understand(a: Arrival): Promise<Understood> {
    const { msg, model, sender } = a;
    const units = await services.directory.units();
    const named = unitNamedIn(units, msg.text);
    const mine = units.find((x) => x.id === sender.actor.unitId);
    const own = { name: sender.unitName, aliases: mine?.aliases ?? [] };
    const namedUnit = named && { id: named.id, code: named.code, name: named.name };
    // Bureau staff may ask about any unit by name; the corpus teaches that naming another unit is
    // off-limits (for unit staff), so the bureau's question is classified without the name.
    const bureauAsksUnit = named !== null && !isUnitScoped(sender.actor);
    let c = await model.classifier.classify(bureauAsksUnit ? withoutNames(msg.text, namesOf(named)) : msg.text);
    const billTypes = (await services.directory.billTypes()).filter((b) => b.active);
    let entities = extractEntities(msg.text, { billTypes, now: msg.receivedAt });
    const followUp = resolveFollowUp(msg.text, entities, contexts.get(msg.senderId));
    if (followUp) {
      entities = followUp.entities;
      c = { ...c, intent: followUp.intent, score: Math.max(deps.threshold, 0.9), source: 'rule', reason: followUp.rule };
    }
    const turn: Turn = { sender, actor: sender.actor, text: msg.text, entities, namedUnit, receivedAt: msg.receivedAt };
    return { ...a, turn, c, own };
  }

  /** The handler for a classified message: the table's, or escalation when the bot is not confident. */
  function handlerFor({ model, c }: Understood): IntentHandler | null {
    if (c.reason === 'follow-up.fix') return FIX;
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
    const base = { intent: c.intent, score: c.score, entities: turn.entities, escalated: false, ticketId: null, card: null };
    for (const guard of guards) {
      const reply = guard(u);
      // Out of scope (another unit's data, a must-not request): the intent is None whatever the subject.
      if (reply !== null) return { ...base, intent: NONE, reply, outcome: 'declined' };
    }
    const handler = handlerFor(u);
    // Bureau staff get a hint instead of a ticket: they are the people a ticket would go to.
    if (!handler && !isUnitScoped(turn.actor)) return { ...base, reply: say(model.kb, 'bureauUnclear'), outcome: 'declined' };
    // Out of scope (chit-chat, other systems, not bills …): a decline that names what the bot does; no ticket.
    if (!handler && outOfScope(c, turn.text)) return { ...base, reply: decline(model.kb, c.reason), outcome: 'declined' };
    const chosen = handler ?? UNSURE;
    const answer = await chosen.answer({ deps, kb: model.kb, turn, caller: a.msg.caller ?? null, classification: c });
    const escalated = answer.escalated ?? false;
    return {
      ...base,
      reply: answer.reply,
      escalated,
      ticketId: answer.ticketId ?? null,
      card: answer.card ?? null,
      outcome: escalated ? 'escalated' : 'answered',
      // Answers a follow-up can lean on: live data and the how-to of a subject ("要带啥材料").
      remember: !escalated && (chosen.domain || chosen === FAQ || chosen === FIX),
    };
  }

  /**
   * None that the bot is sure of: a rule, the not-bills gate, or the similarity gate's or the model's
   * confident negative class on text without the bill system's own words. "开具界面里的二维码扫不出来" is about our system even when the
   * model says None: that is an in-scope question the bot cannot answer, and goes to the engineer.
   */
  function outOfScope(c: Classification, text: string): boolean {
    if (c.intent !== NONE) return false;
    if (c.source === 'rule' || c.reason === 'out-of-scope.not-bills') return true;
    // The similarity gate and the model alike: None on text with our own words is an unsure in-scope question.
    return (c.source === 'gate' || c.score >= deps.threshold) && !OUR_WORDS.test(normalizeText(text));
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
        outcome: result.outcome,
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
        out = sender ? await respond({ msg, model, sender }) : plain(notRegistered(kb), NONE, 0, 'unregistered');
      } catch (err) {
        deps.logger.error({ err, channel: msg.channel }, 'bot pipeline failed; sending the fallback answer');
        out = plain(say(kb, 'fallback'), NONE, 0, 'failed');
      }
      if (out.remember && sender) contexts.set(msg.senderId, out.intent, out.entities ?? {});
      const result: DialogResult = {
        reply: capReply(out.reply, MAX_REPLY_BYTES),
        intent: out.intent,
        score: Math.round(out.score * 1000) / 1000,
        escalated: out.escalated,
        ticketId: out.ticketId,
        entities: out.entities ?? {},
        card: out.card,
        outcome: out.outcome,
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
