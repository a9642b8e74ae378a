import { systemClock, type Clock } from '../../../domain/clock';
import type { Logger } from '../../../logger';
import { makeApiCaller, WecomApiError, type FetchImpl, type Sleep, type WecomReply } from './api';
import { describeIssues, messageSendSchema, toUsersSchema, type TemplateCard, type TextCard } from './payloads';
import { splitUtf8, WECOM_TEXT_MAX_BYTES } from './split';
import { makeTokenCache } from './token-cache';

export { WecomApiError } from './api';

/** errcodes meaning "this access token is no longer good": refresh once and retry. */
const TOKEN_ERRCODES = new Set([40014, 42001, 42007, 42009]);

export interface WecomClientOptions {
  apiBase: string;
  corpId: string;
  corpSecret: string;
  agentId: string | number;
  logger: Logger;
  fetchImpl?: FetchImpl;
  clock?: Clock;
  sleep?: Sleep;
  timeoutMs?: number;
  maxRetries?: number;
  baseDelayMs?: number;
  tokenSafetyMarginS?: number;
  /** When set, WeCom drops an identical message to the same users within this many seconds. */
  duplicateCheckIntervalS?: number;
}

export interface SendResult {
  /** Recipients WeCom did not deliver to (unknown, outside the app's visible range). */
  invalidUsers: string[];
}

type MsgType = 'text' | 'markdown' | 'textcard' | 'template_card';

/** Makes the outbound app-message client (token cache, retries, splitting of long text). */
export function makeWecomClient(options: WecomClientOptions) {
  const logger = options.logger.child({ component: 'wecom-client' });
  const agentid = Number(options.agentId);
  // Tokens seen recently, so an echo of one in errmsg can be scrubbed even after a refresh.
  const seenTokens: string[] = [];
  const api = makeApiCaller({
    apiBase: options.apiBase,
    logger,
    fetchImpl: options.fetchImpl,
    sleep: options.sleep,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries,
    baseDelayMs: options.baseDelayMs,
    secrets: () => [options.corpSecret, ...seenTokens],
  });

  const tokens = makeTokenCache(
    async () => {
      const reply = await api.call('/cgi-bin/gettoken', { corpid: options.corpId, corpsecret: options.corpSecret });
      if (reply.errcode !== 0 || typeof reply.access_token !== 'string' || reply.access_token === '') {
        throw new WecomApiError(reply.errcode || -3, `gettoken failed: ${reply.errmsg || 'no access_token'}`);
      }
      seenTokens.unshift(reply.access_token);
      seenTokens.length = Math.min(seenTokens.length, 4);
      logger.info({ expiresInS: reply.expires_in }, 'wecom access token refreshed');
      return { token: reply.access_token, expiresInS: Number(reply.expires_in) || 7200 };
    },
    options.clock ?? systemClock,
    options.tokenSafetyMarginS,
  );

  /** A call with the cached access token (body undefined = GET); a rejected token is refreshed once. */
  async function callWithToken(path: string, body: unknown, query: Record<string, string> = {}): Promise<WecomReply> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await tokens.get();
      const reply = await api.call(path, { access_token: token, ...query }, body);
      if (!TOKEN_ERRCODES.has(reply.errcode) || refreshed) return reply;
      logger.warn({ errcode: reply.errcode }, 'wecom rejected the access token, refreshing once');
      tokens.invalidate(token);
    }
  }

  async function sendOne(toUsers: string[], msgtype: MsgType, payload: unknown): Promise<SendResult> {
    const body: Record<string, unknown> = { touser: toUsers.join('|'), msgtype, agentid, [msgtype]: payload };
    if (options.duplicateCheckIntervalS) {
      body.enable_duplicate_check = 1;
      body.duplicate_check_interval = options.duplicateCheckIntervalS;
    }
    const checked = messageSendSchema.safeParse(body);
    // Same errcode WeCom would answer, so the caller handles local and remote rejection alike.
    if (!checked.success) throw new WecomApiError(40058, `invalid ${msgtype} message: ${describeIssues(checked.error)}`, false);
    const reply = await callWithToken('/cgi-bin/message/send', body);
    if (reply.errcode !== 0) throw new WecomApiError(reply.errcode, reply.errmsg);
    const invalid = typeof reply.invaliduser === 'string' ? reply.invaliduser : '';
    if (invalid) logger.warn({ invalidUsers: invalid.split('|').length }, 'wecom did not deliver to some users');
    return { invalidUsers: invalid ? invalid.split('|') : [] };
  }

  function checkUsers(toUsers: string[]): void {
    const parsed = toUsersSchema.safeParse(toUsers);
    if (!parsed.success) throw new WecomApiError(40031, `invalid recipient list: ${describeIssues(parsed.error)}`, false);
  }

  async function sendLong(toUsers: string[], msgtype: 'text' | 'markdown', content: string): Promise<SendResult> {
    checkUsers(toUsers);
    const parts = splitUtf8(content, WECOM_TEXT_MAX_BYTES);
    const invalid = new Set<string>();
    for (let i = 0; i < parts.length; i++) {
      try {
        const result = await sendOne(toUsers, msgtype, { content: parts[i] });
        result.invalidUsers.forEach((u) => invalid.add(u));
      } catch (err) {
        if (!(err instanceof WecomApiError) || i === 0) throw err;
        throw new WecomApiError(err.errcode, err.errmsg, err.retryable, err.httpStatus, i);
      }
    }
    return { invalidUsers: [...invalid] };
  }

  return {
    /**
     * Web authorisation (网页授权): the member behind an OAuth code — `{userid}` for a member of the
     * corp, `{openid}` for anyone else. An invalid, used or expired code throws (errcode 40029).
     */
    async userForOAuthCode(code: string): Promise<{ userid: string } | { openid: string }> {
      const reply = await callWithToken('/cgi-bin/auth/getuserinfo', undefined, { code });
      if (reply.errcode !== 0) throw new WecomApiError(reply.errcode, reply.errmsg, false);
      if (typeof reply.userid === 'string' && reply.userid !== '') return { userid: reply.userid };
      if (typeof reply.openid === 'string' && reply.openid !== '') return { openid: reply.openid };
      throw new WecomApiError(-3, 'getuserinfo answered neither userid nor openid', false);
    },
    /** Sends text to members, split into ≤ 2048-byte parts with "(k/n)" markers when long. */
    sendText: (toUsers: string[], content: string) => sendLong(toUsers, 'text', content),
    /** Sends markdown (app-message flavour) to members, split like text. */
    sendMarkdown: (toUsers: string[], content: string) => sendLong(toUsers, 'markdown', content),
    /** Sends a text card (title, description, link, button text). */
    async sendTextCard(toUsers: string[], card: TextCard): Promise<SendResult> {
      checkUsers(toUsers);
      return sendOne(toUsers, 'textcard', card);
    },
    /** Sends a button_interaction template card; clicks return as template_card_event callbacks. */
    async sendTemplateCard(toUsers: string[], card: TemplateCard): Promise<SendResult> {
      checkUsers(toUsers);
      return sendOne(toUsers, 'template_card', card);
    },
  };
}

export type WecomClient = ReturnType<typeof makeWecomClient>;
