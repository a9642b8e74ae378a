import type { Actor } from '../../domain/identity/actor';
import { parseRating } from '../../domain/desk/records/return-visit.rating';
import type { ReturnVisitService } from '../../domain/desk/records/return-visit.service';
import { isUnitScoped } from '../../domain/policy';

export type SurveyPort = Pick<ReturnVisitService, 'pendingFor' | 'recordAnswer'>;

/**
 * Routes a reply to an open return-visit survey (回访). Only a text that carries a rating — or a
 * number outside 1–5, which gets the hint — is taken; anything else goes on to the normal dialog,
 * so a user who ignores the survey is not nagged for three days.
 */
export async function answerSurvey(port: SurveyPort | undefined, actor: Actor, text: string): Promise<string | null> {
  if (!port || !isUnitScoped(actor)) return null;
  const visit = await port.pendingFor(actor.userId);
  if (!visit) return null;
  const parsed = parseRating(text);
  if (!parsed.ok) return parsed.hint.startsWith('评分只能是') ? parsed.hint : null;
  return (await port.recordAnswer(actor, visit.id, text)).reply;
}
