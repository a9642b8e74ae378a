import { randomInt } from 'node:crypto';
import type { Context } from 'koa';
import type { DataSource } from 'typeorm';
import type { ApiPlugin } from '../../../api/deps';
import type { Clock } from '../../../domain/clock';
import { inTransaction } from '../../../domain/db/transaction';
import { enqueueOutbox } from '../../../domain/outbox/outbox';
import type { Logger } from '../../../logger';
import type { Bot } from '../../bot';
import { callbackBody, callbackQuery } from './callback-request';
import { makeWecomCrypto, WecomCryptoError } from './crypto';
import { buildEncryptedEnvelopeXml, buildTextReplyXml, parseEnvelope, parseInboundMessage, type WecomInboundMessage } from './message';
import { utf8Bytes, WECOM_TEXT_MAX_BYTES } from './split';
import { claimInbound } from './inbound-claim';

export interface WecomCallbackDeps {
  ds: DataSource;
  clock: Clock;
  logger: Logger;
  bot: Pick<Bot, 'handleMessage' | 'handleEvent' | 'textOnly' | 'fallback'>;
  /** WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID (the receive id). */
  token: string;
  encodingAESKey: string;
  corpId: string;
  /** WECOM_REPLAY_WINDOW_S: callbacks whose timestamp is further from now are refused; 0 = off. */
  replayWindowS: number;
  /** Answer passively when ready within this time, else 200 now and the answer via the outbox. */
  replyBudgetMs?: number;
  path?: string;
}

const CHANNEL = 'wecom';

/** GET/POST /wecom/callback: verify, decrypt, dedupe, answer within budget; never a 5xx. */
export function makeWecomCallbackRoutes(deps: WecomCallbackDeps): ApiPlugin {
  const logger = deps.logger.child({ component: 'wecom-callback' });
  const crypto = makeWecomCrypto({ token: deps.token, encodingAESKey: deps.encodingAESKey, receiveId: deps.corpId });
  const budgetMs = deps.replyBudgetMs ?? 3000;
  const path = deps.path ?? '/wecom/callback';
  const nowS = () => Math.floor(deps.clock.now().getTime() / 1000);

  /** Maps a failure to WeCom's status: forged or stale → 403, anything malformed → 400; no detail in the body. */
  function refuse(ctx: Context, err: unknown, what: string): void {
    if (err instanceof WecomCryptoError) {
      logger.warn({ code: err.code, error: err.errorName, detail: err.message }, `wecom ${what} refused`);
      ctx.status = err.code === -40001 ? 403 : 400;
    } else {
      logger.error({ err }, `wecom ${what} failed`);
      ctx.status = 400;
    }
    ctx.body = '';
  }

  function checkFresh(timestamp: string | undefined): void {
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new WecomCryptoError(-40001, 'timestamp missing or not digits');
    if (deps.replayWindowS > 0 && Math.abs(nowS() - Number(timestamp)) > deps.replayWindowS) {
      throw new WecomCryptoError(-40001, `timestamp outside the ${deps.replayWindowS} s replay window`);
    }
  }

  function passive(ctx: Context, toUser: string, content: string): void {
    const timestamp = String(nowS());
    const nonce = String(randomInt(100_000_000, 2_000_000_000));
    const xml = buildTextReplyXml({ toUser, fromUser: deps.corpId, createTime: Number(timestamp), content });
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body = buildEncryptedEnvelopeXml(crypto.encryptReply(xml, timestamp, nonce));
  }

  /** Delivers an answer that missed the budget (or is too long for one passive reply) as an app message. */
  async function viaOutbox(key: string, toUser: string, content: string): Promise<void> {
    await inTransaction(deps.ds, (em) =>
      enqueueOutbox(em, `wecom-reply-${key}`, { channel: 'app', toUsers: [toUser], kind: 'text', content }, deps.clock.now()),
    );
  }

  function answer(msg: WecomInboundMessage): Promise<string | null> {
    if (msg.msgType === 'text') {
      return deps.bot
        .handleMessage({
          channel: CHANNEL,
          senderId: msg.fromUserName,
          text: msg.content,
          messageId: msg.msgId,
          receivedAt: deps.clock.now(),
        })
        .then((r) => r.reply);
    }
    if (msg.msgType === 'event')
      return deps.bot.handleEvent({
        channel: CHANNEL,
        senderId: msg.fromUserName,
        event: msg.event,
        eventKey: msg.eventKey,
        receivedAt: deps.clock.now(),
      });
    return Promise.resolve(deps.bot.textOnly());
  }

  const dedupeKey = (msg: WecomInboundMessage): string =>
    msg.msgType === 'event'
      ? `${msg.fromUserName}:${msg.createTime}:${msg.event}:${msg.eventKey ?? ''}`
      : (msg.msgId ?? `${msg.fromUserName}:${msg.createTime}:${msg.msgType}`);

  async function handlePost(ctx: Context): Promise<void> {
    let msg: WecomInboundMessage;
    try {
      const q = callbackQuery(ctx);
      const envelope = parseEnvelope(await callbackBody(ctx));
      if (!q.msg_signature || !q.nonce) throw new WecomCryptoError(-40001, 'msg_signature and nonce are required');
      checkFresh(q.timestamp);
      msg = parseInboundMessage(
        crypto.decryptMessage({ msgSignature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypt: envelope.encrypt }),
      );
    } catch (err) {
      refuse(ctx, err, 'callback');
      return;
    }
    const key = dedupeKey(msg);
    try {
      // WeCom retries after 5 s (3 times): only the first copy is answered, in whichever process.
      if (!(await claimInbound(deps.ds, CHANNEL, key, deps.clock.now()))) {
        logger.info({ key }, 'wecom callback already handled (retry)');
        ctx.status = 200;
        ctx.body = '';
        return;
      }
      const work = answer(msg);
      let timer: NodeJS.Timeout | undefined;
      const late = Symbol('late');
      const first = await Promise.race([work, new Promise<typeof late>((r) => (timer = setTimeout(() => r(late), budgetMs)))]).finally(() =>
        clearTimeout(timer),
      );
      if (first === late || (first !== null && utf8Bytes(first) > WECOM_TEXT_MAX_BYTES)) {
        ctx.status = 200;
        ctx.body = '';
        work
          .then((reply) => (reply ? viaOutbox(key, msg.fromUserName, reply) : undefined))
          .catch((err: unknown) => logger.error({ err, key }, 'late wecom answer could not be queued'));
        return;
      }
      if (first === null) {
        ctx.status = 200;
        ctx.body = '';
        return;
      }
      passive(ctx, msg.fromUserName, first);
    } catch (err) {
      // Rule 7: the member still gets a friendly answer, and WeCom a 200 so it does not retry.
      logger.error({ err, key }, 'wecom callback handling failed; sending the fallback');
      try {
        passive(ctx, msg.fromUserName, deps.bot.fallback());
      } catch {
        ctx.status = 200;
        ctx.body = '';
      }
    }
  }

  return {
    register({ open }) {
      open.get(path, (ctx) => {
        try {
          const q = callbackQuery(ctx);
          checkFresh(q.timestamp);
          const plain = crypto.verifyUrl(q);
          ctx.status = 200;
          ctx.type = 'text/plain';
          ctx.body = plain; // exactly the plaintext: no quotes, BOM or newline
        } catch (err) {
          refuse(ctx, err, 'URL verification');
        }
      });
      open.post(path, handlePost);
    },
  };
}
