import type { Actor } from '../../domain/identity/actor';
import type { WecomSender } from '../../domain/identity/user.service';
import type { Classification } from '../nlp/classifier';
import { kbAnswer, say } from './kb-answers';
import { shanghaiTime } from './format';
import type { DialogDeps } from './types';
import type { KnowledgeBase } from '../nlp/kb-loader';
import { isUnitScoped } from '../../domain/policy';

export type EscalationKind = 'question' | 'handoff' | 'fault';

export interface Escalated {
  ticketId: number;
  reply: string;
}

/**
 * Opens (or appends to) a ticket through the desk, which notifies the engineers through the outbox
 * in the same transaction; the reply names the ticket and when an answer is due.
 */
export async function escalate(
  deps: DialogDeps,
  kb: KnowledgeBase,
  input: {
    sender: WecomSender;
    caller: Actor | null;
    text: string;
    classification: Classification;
    kind: EscalationKind;
    /** False: open a new ticket even if the user has an open one (the question is about something else). */
    mayAppend?: boolean;
  },
): Promise<Escalated> {
  const { sender, classification: c, kind } = input;
  const { actor } = sender;
  const guesses = (c.alternatives.length > 0 ? c.alternatives : [{ intent: c.intent, score: c.score }]).map((g) => ({
    intent: g.intent,
    score: Math.round(g.score * 1000) / 1000,
  }));
  const { ticket, appended } = await deps.services.tickets.escalate({
    unitId: isUnitScoped(actor) ? actor.unitId : null,
    reporterUserId: actor.userId,
    // Replies go back to WeCom when the reporter has an id there; otherwise they stay on the ticket.
    reporterWecomId: sender.wecomUserId,
    reporterName: sender.name,
    calledBy: input.caller,
    mayAppend: input.mayAppend ?? true,
    question: input.text.trim() || '（空消息）',
    guesses,
    source: kind === 'fault' ? 'fault' : 'bot',
    priority: kind === 'fault' ? 'urgent' : 'normal',
    category: kind === 'fault' ? 'fault' : kind === 'handoff' ? 'handoff' : 'question',
  });
  const due = shanghaiTime(ticket.responseDueAt);
  const values = { 'ticket.no': `#${ticket.id}`, 'ticket.dueAt': due };
  if (kind !== 'question') {
    const answer = kbAnswer(kb, kind === 'fault' ? 'fault.report' : 'handoff.human', values);
    if (answer) return { ticketId: ticket.id, reply: answer };
  }
  const team = String(kb.region['support.team'] ?? '驻场工程师');
  const reply = appended
    ? `已把您的补充转给${team}（工单 #${ticket.id}），将在 ${due} 前回复您，回复会直接发到这里。`
    : `这个问题我暂时无法准确回答，已转给${team}处理，工单号 #${ticket.id}，将在 ${due} 前回复您，回复会直接发到这里。\n您可以继续补充细节（问题现象、操作步骤、报错提示），我会一并转给工程师。`;
  return { ticketId: ticket.id, reply };
}

/** The polite answer for a sender who is not registered: no data, only whom to contact. */
export const notRegistered = (kb: KnowledgeBase) => say(kb, 'notRegistered');
