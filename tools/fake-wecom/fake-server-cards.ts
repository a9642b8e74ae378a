import { randomBytes } from 'node:crypto';
import { updateTemplateCardSchema } from '../../src/bot/channels/wecom/payloads';
import type { Answer, FakeState } from './fake-server-routes';

/** A ResponseCode works once and for 72 hours (wecom.md). */
export const RESPONSE_CODE_TTL_MS = 72 * 3600_000;

/**
 * One ResponseCode the fake handed out: at send time (message/send answers one for the whole
 * send, usable for any of its recipients) or per recipient (delivered in that member's
 * template_card_event callbacks, usable for that member's copy only).
 */
interface IssuedCode {
  taskId: string;
  /** Whose copies it may update. */
  users: string[];
  issuedAt: number;
  used: boolean;
}

/** A member's copy of a card: what they see now. */
export interface CardCopy {
  taskId: string;
  user: string;
  card: Record<string, unknown>;
  /** Set by `button.replace_name`: the buttons are replaced by this text. */
  replacedBy: string | null;
  /** The member's current ResponseCode (a fresh one after each use). */
  responseCode: string;
}

export interface ReceivedCardUpdate {
  taskId: string;
  userids: string[];
  responseCode: string;
  replaceName: string | null;
  card: Record<string, unknown> | null;
  at: number;
}

export interface CardState {
  codes: Map<string, IssuedCode>;
  /** `${taskId}\n${user}` → that member's copy. */
  copies: Map<string, CardCopy>;
}

export const makeCardState = (): CardState => ({ codes: new Map(), copies: new Map() });

const newCode = () => `rc${randomBytes(18).toString('base64url')}`;
const copyKey = (taskId: string, user: string) => `${taskId}\n${user}`;

function issue(state: FakeState, taskId: string, users: string[]): string {
  const code = newCode();
  state.cards.codes.set(code, { taskId, users, issuedAt: state.now(), used: false });
  return code;
}

/**
 * A button_interaction card was delivered: each recipient gets a copy with a ResponseCode of
 * their own; the send itself answers one code for all of them (as message/send does).
 */
export function registerSentCard(state: FakeState, card: Record<string, unknown>, delivered: string[]): string {
  const taskId = String(card.task_id);
  for (const user of delivered) {
    state.cards.copies.set(copyKey(taskId, user), {
      taskId,
      user,
      card,
      replacedBy: null,
      responseCode: issue(state, taskId, [user]),
    });
  }
  return issue(state, taskId, delivered);
}

/** The copy a member holds of a card (undefined: never delivered to them). */
export const copyOf = (state: FakeState, taskId: string, user: string): CardCopy | undefined =>
  state.cards.copies.get(copyKey(taskId, user));

/** The ResponseCode a pressed button's callback carries: the member's current one for that card. */
export function codeForPress(state: FakeState, taskId: string, user: string): string {
  const copy = copyOf(state, taskId, user);
  if (!copy) throw new Error(`fake WeCom: card ${taskId} was never delivered to ${user}`);
  const current = state.cards.codes.get(copy.responseCode);
  // A used code is gone: the next press carries a fresh one, as each event does in WeCom.
  if (!current || current.used) copy.responseCode = issue(state, taskId, [user]);
  return copy.responseCode;
}

function reject(state: FakeState, errcode: number, errmsg: string): Answer {
  state.received.rejected.push({ path: '/cgi-bin/message/update_template_card', errcode, errmsg, at: state.now() });
  return { status: 200, json: { errcode, errmsg } };
}

/** POST /cgi-bin/message/update_template_card: checks token, agentid, userids and the ResponseCode, then updates the copies. */
export function handleUpdateTemplateCard(state: FakeState, q: URLSearchParams, body: unknown): Answer {
  const token = q.get('access_token');
  if (!token) return reject(state, 41001, 'access_token missing');
  const expiresAt = state.tokens.get(token);
  if (expiresAt === undefined) return reject(state, 40014, 'invalid access_token');
  if (expiresAt <= state.now()) return reject(state, 42001, 'access_token expired');
  if (body === undefined) return reject(state, 47001, 'data format error');
  const parsed = updateTemplateCardSchema.safeParse(body);
  if (!parsed.success) return reject(state, 40058, `invalid parameter: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  const b = parsed.data;
  if (String(b.agentid) !== state.agentId) return reject(state, 40056, 'invalid agentid');
  const code = state.cards.codes.get(b.response_code);
  if (!code) return reject(state, 40125, 'invalid response_code');
  if (code.used) return reject(state, 40125, 'response_code already used');
  if (state.now() - code.issuedAt > RESPONSE_CODE_TTL_MS) return reject(state, 40125, 'response_code expired');
  const outside = b.userids.filter((u) => !code.users.includes(u));
  if (outside.length > 0) return reject(state, 40031, `userids not covered by this response_code: ${outside.join('|')}`);
  code.used = true;
  for (const user of b.userids) {
    const copy = copyOf(state, code.taskId, user)!;
    if (b.button) copy.replacedBy = b.button.replace_name;
    else if (b.template_card) Object.assign(copy, { card: b.template_card, replacedBy: null });
  }
  state.received.cardUpdates.push({
    taskId: code.taskId,
    userids: b.userids,
    responseCode: b.response_code,
    replaceName: b.button?.replace_name ?? null,
    card: (b.template_card as Record<string, unknown> | undefined) ?? null,
    at: state.now(),
  });
  state.events.emit('card-update');
  return { status: 200, json: { errcode: 0, errmsg: 'ok', invaliduser: [] } };
}
