import type { RepoContext } from '../db/store';
import type { Actor } from '../identity/actor';
import { proposeFromReply } from '../kb/proposals';
import type { Ticket } from './ticket.entity';

/**
 * Transitional adapter: the KB learning loop (kb/proposals.ts) still takes an EntityManager. This
 * binds it to the transaction of the engineer's reply until the knowledge base has its own
 * repository; then the ticket reply calls that instead and this file goes.
 */
export function makeKbLearningRepository({ em }: RepoContext) {
  return {
    /** Turns the questions of a bot ticket into pending KB proposals answered by `replyText`. */
    async proposeFromReply(ticket: Ticket, replyText: string, actor: Actor, at: Date): Promise<void> {
      await proposeFromReply(em, ticket, replyText, actor, at);
    },
  };
}
export type KbLearningRepository = ReturnType<typeof makeKbLearningRepository>;
