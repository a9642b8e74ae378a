import type { ChatCard } from '../../domain/cards/card-view';
import type { Actor } from '../../domain/identity/actor';
import type { Classification } from '../nlp/classifier';
import type { KnowledgeBase } from '../nlp/kb-loader';
import { answerDeskSummary, answerIncidents } from './bureau-answers';
import { applicationSubmit, applicationWithdraw, writeoffSubmit } from './chat-ops';
import { answerDocuments, intentForDocumentNo, type StatusIntent } from './document-answers';
import { mayAppend } from './append-rule';
import { escalate, type EscalationKind } from './escalation';
import { answerFix } from './fix-answer';
import { kbAnswer, say, withRegion } from './kb-answers';
import { scopeOf, type Scope } from './scope';
import { answerStock } from './stock-answer';
import { answerTickets } from './ticket-answer';
import type { DialogDeps, Turn, UnitRef } from './types';
import { answerApplyCheck, answerCaps, answerLastIssuance, answerNumber, answerOverdue } from './data-answers';

/** A handler's answer; escalations carry their ticket. */
export interface Answer {
  reply: string;
  escalated?: boolean;
  ticketId?: number | null;
  /** A card with buttons (a confirmation); in WeCom it was queued as a template card. */
  card?: ChatCard | null;
}

export interface HandlerInput {
  deps: DialogDeps;
  kb: KnowledgeBase;
  turn: Turn;
  /** The admin who speaks as the sender (POST /bot/messages with another senderId), else null. */
  caller: Actor | null;
  classification: Classification;
}

export interface IntentHandler {
  /** Domain answers read the asker's live data and are remembered for follow-ups ("那医疗票呢"). */
  domain?: boolean;
  /** Answered whatever the classifier's score (an explicit handoff or a fault report is never second-guessed). */
  anyScore?: boolean;
  answer(input: HandlerInput): Promise<Answer>;
}

/** A domain intent answered for the asker's scope; a unit user without a unit is told so. */
function forScope(answer: (i: HandlerInput, scope: Exclude<Scope, { kind: 'no-unit' }>) => Promise<string>): IntentHandler {
  return {
    domain: true,
    async answer(i) {
      const scope = scopeOf(i.turn);
      if (scope.kind === 'no-unit') return { reply: say(i.kb, 'noUnit') };
      return { reply: withRegion(i.kb, await answer(i, scope)) };
    },
  };
}

/** application/writeoff/destruction.status; a document number decides the kind (HX-… is a write-off whatever the wording). */
const documents = (intent: StatusIntent): IntentHandler =>
  forScope((i, scope) => answerDocuments(i.deps, i.turn, scope, intentForDocumentNo(i.turn.entities.documentNo, intent)));

/** A data answer about one unit: the asker's own, or for bureau staff the unit named in the text. */
const unitData = (answer: (deps: DialogDeps, turn: Turn, unit: UnitRef) => Promise<string>): IntentHandler =>
  forScope(async (i, scope) =>
    scope.kind === 'unit' ? answer(i.deps, i.turn, scope.unit) : '请在问题中写明单位全称，例如“市一医院最近一次领票是哪天”。',
  );

/** Opens (or appends to) a ticket for the engineers. */
const escalation = (kind: EscalationKind): IntentHandler => ({
  anyScore: kind !== 'question',
  async answer(i) {
    const e = await escalate(i.deps, i.kb, {
      sender: i.turn.sender,
      caller: i.caller,
      text: i.turn.text,
      classification: i.classification,
      kind,
      // A question goes onto the open ticket only when it is about it (or the user says so).
      mayAppend: kind !== 'question' || (await mayAppend(i.deps, i.turn.sender, i.turn.text, i.classification)),
    });
    return { reply: e.reply, escalated: true, ticketId: e.ticketId };
  },
});

/** Intent → handler. Intents not listed are FAQ: answered from the knowledge base. */
export const HANDLERS: Readonly<Record<string, IntentHandler>> = {
  'stock.query': forScope((i, scope) => answerStock(i.deps, i.turn, scope)),
  'application.status': documents('application.status'),
  'writeoff.status': documents('writeoff.status'),
  'destruction.status': documents('destruction.status'),
  // The asker's own tickets, whatever their unit.
  'ticket.status': { domain: true, answer: async (i) => ({ reply: await answerTickets(i.deps, i.turn) }) },
  // Bureau roles: the week's tickets and SLA, faults now (unit staff are refused politely).
  'desk.summary': {
    domain: true,
    answer: async (i) => ({
      reply: await answerDeskSummary(i.deps.services, i.turn.actor, i.turn.text, i.turn.entities, i.turn.receivedAt),
    }),
  },
  'incident.status': { domain: true, answer: async (i) => ({ reply: await answerIncidents(i.deps.services, i.turn.actor) }) },
  'application.submit': applicationSubmit,
  'application.withdraw': applicationWithdraw,
  'writeoff.submit': writeoffSubmit,
  'issuance.last': unitData(answerLastIssuance),
  'number.lookup': unitData(answerNumber),
  'writeoff.overdue': unitData(answerOverdue),
  'apply.cap': unitData(answerCaps),
  'apply.check': unitData(answerApplyCheck),
  'handoff.human': escalation('handoff'),
  'fault.report': escalation('fault'),
};

/** FAQ: the knowledge base's answer. */
export const FAQ: IntentHandler = {
  answer: async (i) => ({ reply: kbAnswer(i.kb, i.classification.intent) ?? say(i.kb, 'fallback') }),
};

/** "那我要怎么改" after a status answer: what to do about that (returned) document, then the how-to. */
export const FIX: IntentHandler = {
  async answer(i) {
    const scope = scopeOf(i.turn);
    const how = kbAnswer(i.kb, i.classification.intent) ?? say(i.kb, 'fallback');
    if (scope.kind !== 'unit') return { reply: how };
    return { reply: withRegion(i.kb, await answerFix(i.deps, i.turn, scope.unit, i.classification.intent, how)) };
  },
};

/** An in-scope question the bot cannot answer confidently: to the engineer. */
export const UNSURE: IntentHandler = escalation('question');

/** Intents whose handlers read live ledger or desk data of the asker (bot.md). */
export const DOMAIN_INTENTS: ReadonlySet<string> = new Set(
  Object.entries(HANDLERS)
    .filter(([, h]) => h.domain)
    .map(([intent]) => intent),
);
