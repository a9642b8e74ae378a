import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { z } from 'zod';
import { describeIssues, messageSendSchema, robotSendSchema } from '../../src/bot/channels/wecom/payloads';
import type { RateLimiter } from '../../src/bot/channels/wecom/throttle';

export interface ReceivedAppMessage {
  msgtype: string;
  /** Recipients as requested. */
  touser: string[];
  /** Recipients WeCom would actually have delivered to (not dropped, not invalid). */
  delivered: string[];
  body: Record<string, unknown>;
  at: number;
}
export interface ReceivedRobotMessage {
  key: string;
  msgtype: string;
  body: Record<string, unknown>;
  at: number;
}
export interface RejectedRequest {
  path: string;
  errcode: number;
  errmsg: string;
  at: number;
}
export interface DroppedMessage {
  touser: string;
  msgtype: string;
  at: number;
}
export interface FakeReceived {
  messages: ReceivedAppMessage[];
  robot: ReceivedRobotMessage[];
  rejected: RejectedRequest[];
  /** Per-member rate-limit drops: WeCom answers ok and silently does not deliver. */
  dropped: DroppedMessage[];
  tokenRequests: number;
}

export interface FakeState {
  corpId: string;
  corpSecret: string;
  agentId: string;
  robotKeys: Set<string>;
  members?: Set<string>;
  tokenTtlS: number;
  tokens: Map<string, number>;
  received: FakeReceived;
  memberLimiter: RateLimiter;
  robotLimiter: RateLimiter;
  events: EventEmitter;
  now: () => number;
}

export interface Answer {
  status: number;
  json: Record<string, unknown>;
  /** A redirect (the authorise page) instead of JSON. */
  redirect?: string;
  /** An HTML page (the member picker) instead of JSON. */
  html?: string;
}

const ok = (extra: Record<string, unknown> = {}): Answer => ({ status: 200, json: { errcode: 0, errmsg: 'ok', ...extra } });

/** WeCom answers HTTP 200 with an errcode; the rejection is recorded for tests to inspect. */
function reject(state: FakeState, path: string, errcode: number, errmsg: string): Answer {
  state.received.rejected.push({ path, errcode, errmsg, at: state.now() });
  return { status: 200, json: { errcode, errmsg } };
}

/** Maps a schema failure to the errcode WeCom gives for that kind of mistake. */
function schemaErrcode(error: z.ZodError): [number, string] {
  const text = describeIssues(error);
  if (error.issues.some((i) => i.path[0] === 'msgtype')) return [40008, `invalid message type: ${text}`];
  if (/UTF-8 bytes/.test(text)) return [45002, `content size out of limit: ${text}`];
  if (/must not be empty/.test(text)) return [44004, `empty content: ${text}`];
  if (error.issues.some((i) => i.path[0] === 'touser')) return [40031, `invalid userid list: ${text}`];
  return [40058, `invalid parameter: ${text}`];
}

export function handleGettoken(state: FakeState, q: URLSearchParams): Answer {
  state.received.tokenRequests++;
  const path = '/cgi-bin/gettoken';
  if (!q.get('corpid')) return reject(state, path, 41002, 'corpid missing');
  if (!q.get('corpsecret')) return reject(state, path, 41004, 'corpsecret missing');
  if (q.get('corpid') !== state.corpId) return reject(state, path, 40013, 'invalid corpid');
  if (q.get('corpsecret') !== state.corpSecret) return reject(state, path, 40001, 'invalid credential');
  const token = `fk${randomBytes(24).toString('hex')}`;
  state.tokens.set(token, state.now() + state.tokenTtlS * 1000);
  return ok({ access_token: token, expires_in: state.tokenTtlS });
}

export async function handleMessageSend(state: FakeState, q: URLSearchParams, body: unknown): Promise<Answer> {
  const path = '/cgi-bin/message/send';
  const token = q.get('access_token');
  if (!token) return reject(state, path, 41001, 'access_token missing');
  const expiresAt = state.tokens.get(token);
  if (expiresAt === undefined) return reject(state, path, 40014, 'invalid access_token');
  if (expiresAt <= state.now()) return reject(state, path, 42001, 'access_token expired');
  if (body === undefined) return reject(state, path, 47001, 'data format error');
  const parsed = messageSendSchema.safeParse(body);
  if (!parsed.success) return reject(state, path, ...schemaErrcode(parsed.error));
  const msg = parsed.data;
  if (String(msg.agentid) !== state.agentId) return reject(state, path, 40056, 'invalid agentid');
  const touser = msg.touser.split('|');
  const invalid = touser.filter((u) => state.members !== undefined && !state.members.has(u));
  if (invalid.length === touser.length) return reject(state, path, 81013, `user & party & tag all invalid: ${invalid.join('|')}`);
  const delivered: string[] = [];
  const at = state.now();
  for (const user of touser.filter((u) => !invalid.includes(u))) {
    if ((await state.memberLimiter.tryTake(user, at)).ok) delivered.push(user);
    else state.received.dropped.push({ touser: user, msgtype: msg.msgtype, at });
  }
  if (delivered.length > 0) {
    state.received.messages.push({ msgtype: msg.msgtype, touser, delivered, body: body as Record<string, unknown>, at });
    state.events.emit('message');
  }
  return ok({ invaliduser: invalid.join('|'), msgid: randomBytes(12).toString('base64url') });
}

export async function handleWebhookSend(state: FakeState, q: URLSearchParams, body: unknown): Promise<Answer> {
  const path = '/cgi-bin/webhook/send';
  const key = q.get('key') ?? '';
  if (!state.robotKeys.has(key)) return reject(state, path, 93000, 'invalid webhook url');
  if (body === undefined) return reject(state, path, 47001, 'data format error');
  const parsed = robotSendSchema.safeParse(body);
  if (!parsed.success) return reject(state, path, ...schemaErrcode(parsed.error));
  const at = state.now();
  if (!(await state.robotLimiter.tryTake(key, at)).ok) return reject(state, path, 45009, 'api freq out of limit');
  state.received.robot.push({ key, msgtype: parsed.data.msgtype, body: body as Record<string, unknown>, at });
  state.events.emit('robot');
  return ok();
}
