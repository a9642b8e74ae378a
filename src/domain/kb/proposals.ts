import type { Repositories } from '../db/repositories';
import type { Ticket } from '../desk/ticket.entity';
import type { Actor } from '../identity/actor';
import type { KbChange } from './kb-change.entity';

/** The repositories a proposal is written through (the reply's transaction). */
export type ProposalTx = Pick<Repositories, 'kb' | 'audit'>;

type Guess = { intent: string; score: number };

function bestGuess(meta: Record<string, unknown> | null, fallback: Guess[] | null): string | null {
  const guesses = (Array.isArray(meta?.guesses) ? (meta.guesses as Guess[]) : fallback) ?? [];
  return guesses.find((g) => g && typeof g.intent === 'string' && g.intent !== 'None')?.intent ?? null;
}

/**
 * Learning loop: when the desk replies to a question the bot escalated, each question of the ticket
 * not yet proposed becomes a pending "add utterance" change (the bot's best guess as intent, the
 * reply as a candidate answer). Runs inside the reply's transaction; nothing is live until an
 * operator approves it and the model is retrained.
 */
export async function proposeFromReply(tx: ProposalTx, ticket: Ticket, replyText: string, actor: Actor, at: Date): Promise<KbChange[]> {
  // Handoff requests ("转人工") and fault reports are not questions the KB could learn to answer.
  if (ticket.source !== 'bot' || ticket.category !== 'question') return [];
  const events = await tx.kb.ticketQuestions(ticket.id);
  const earlier = await tx.kb.proposalsOfTicket(ticket.id);
  const answer = replyText.trim();
  // A later reply is usually the real answer ("收到，正在查看" tends to come first).
  for (const c of earlier.filter((e) => e.status === 'pending')) {
    await tx.kb.update(c.id, { payload: { ...c.payload, answer } });
  }
  const seen = new Set(earlier.flatMap((c) => c.payload.utterances ?? []));
  const made: KbChange[] = [];
  for (const e of events) {
    const question = (e.body ?? '').trim().slice(0, 200);
    if (question.length < 2 || question === '（空消息）' || seen.has(question)) continue;
    seen.add(question);
    const guess = bestGuess(e.meta, ticket.guesses);
    const change = await tx.kb.insert({
      intent: guess,
      kind: 'add-utterance',
      payload: { utterances: [question], answer, guess },
      status: 'pending',
      source: 'engineer-reply',
      proposedBy: actor.username,
      reviewedBy: null,
      reviewedAt: null,
      opinion: null,
      ticketId: ticket.id,
      seq: null,
      createdAt: at,
    });
    await tx.audit.record(actor, at, {
      action: 'kb.propose',
      entityType: 'kb_change',
      entityId: change.id,
      after: { ticketId: ticket.id, question, guess },
    });
    made.push(change);
  }
  return made;
}
