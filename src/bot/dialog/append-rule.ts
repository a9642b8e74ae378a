import type { WecomSender } from '../../domain/identity/user.service';
import type { Ticket } from '../../domain/desk/ticket.entity';
import { NONE, prepareText, type Classification } from '../nlp/classifier';
import { gramSet, setCosine } from '../nlp/similarity';
import type { DialogDeps } from './types';

/** The ticket service's own window: a question within it may be appended to the user's open ticket. */
const APPEND_WINDOW_MS = 30 * 60_000;
const OPEN: ReadonlySet<string> = new Set(['new', 'acknowledged', 'in_progress', 'waiting_user']);
/** Share of character n-grams a question must have in common with the ticket's summary to be on its topic. */
const SAME_TOPIC = 0.35;

// The user says the message belongs to what they asked before: 补充/刚才那个/还有个情况 ….
const EXPLICIT =
  /补充|追加|刚才(?:那个|的问题|说的|问的)|刚刚(?:那个|的问题|说的)|上面(?:那个|的问题|说的)|之前(?:那个|的)问题|那个工单|还有(?:个情况|一点|个问题|就是)|另外(?:说一下|补充)/u;

/** True when the text says it adds to the user's earlier question. */
export const explicitAppend = (text: string): boolean => EXPLICIT.test(text);

/** The user's open bot ticket that a message could still be appended to, if any. */
export async function appendTarget(deps: DialogDeps, sender: WecomSender, _text: string): Promise<Ticket | null> {
  const [latest] = await deps.services.tickets.recentForReporter(sender.actor.userId, 1);
  if (!latest || latest.source !== 'bot' || !OPEN.has(latest.state)) return null;
  const recent = deps.clock.now().getTime() - new Date(latest.lastActivityAt).getTime() <= APPEND_WINDOW_MS;
  return recent ? latest : null;
}

/**
 * Whether an in-scope question the bot cannot answer belongs on the user's open ticket: the user says
 * so, or it is on that ticket's topic (the bot's best guess matches, or the wording overlaps). Anything
 * else opens its own ticket, so the engineer's conversation is not buried under unrelated lines.
 */
export async function mayAppend(deps: DialogDeps, sender: WecomSender, text: string, c: Classification): Promise<boolean> {
  const open = await appendTarget(deps, sender, text);
  if (!open) return true; // nothing to append to: the ticket service opens one either way
  if (explicitAppend(text)) return true;
  const guess = (list: ReadonlyArray<{ intent: string }> | null | undefined) => list?.find((g) => g.intent !== NONE)?.intent;
  const mine = guess(c.alternatives.length ? c.alternatives : [c]);
  if (mine && mine === guess(open.guesses)) return true;
  return setCosine(gramSet(prepareText(text)), gramSet(prepareText(open.summary))) >= SAME_TOPIC;
}
