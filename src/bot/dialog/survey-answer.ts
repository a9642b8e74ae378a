import { parseRating } from '../../domain/desk/records/return-visit.rating';
import type { WecomSender } from '../../domain/identity/user.service';
import { isUnitScoped } from '../../domain/policy';
import type { SurveyPort } from './types';

/**
 * Routes a reply to an open return-visit survey (回访). Only a text that carries a rating — or a
 * number outside 1–5, which gets the hint — is taken; anything else goes on to the normal dialog,
 * so a user who ignores the survey is not nagged for three days. The sender lookup already says
 * whether a survey was asked, so a turn without one costs no query here.
 */
export async function answerSurvey(port: SurveyPort | undefined, sender: WecomSender, text: string): Promise<string | null> {
  if (!port || !sender.surveyAsked || !isUnitScoped(sender.actor)) return null;
  const visit = await port.pendingFor(sender.actor.userId);
  if (!visit) return null;
  const parsed = parseRating(text);
  if (!parsed.ok) return parsed.hint.startsWith('评分只能是') ? parsed.hint : null;
  return (await port.recordAnswer(sender.actor, visit.id, text)).reply;
}
