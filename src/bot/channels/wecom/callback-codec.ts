import { randomInt } from 'node:crypto';
import type { Clock } from '../../../domain/clock';
import { CallbackRefused, type CallbackCodec, type CallbackInbound } from '../../../domain/ports/channel';
import { utf8Bytes } from '../../utf8';
import { makeWecomCrypto, WecomCryptoError } from './crypto';
import { buildEncryptedEnvelopeXml, buildTextReplyXml, parseEnvelope, parseInboundMessage, type WecomInboundMessage } from './message';
import { WECOM_TEXT_MAX_BYTES } from './split';

export interface WecomCallbackConfig {
  /** WECOM_TOKEN, WECOM_AES_KEY, WECOM_CORP_ID (the receive id). */
  token: string;
  encodingAESKey: string;
  corpId: string;
  /** WECOM_REPLAY_WINDOW_S: callbacks whose timestamp is further from now are refused; 0 = off. */
  replayWindowS: number;
  clock: Clock;
}

/**
 * Query values decoded exactly once with decodeURIComponent: WeCom sends "+" as %2B, and a form
 * decoder would turn a literal "+" into a space and break the signature.
 */
export function parseCallbackQuery(rawQuery: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of rawQuery.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      const key = decodeURIComponent(name);
      // A repeated parameter would let one copy be verified and another used: refuse it.
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new Error('duplicate');
      out[key] = decodeURIComponent(raw);
    } catch {
      throw new WecomCryptoError(-40001, 'query string cannot be decoded');
    }
  }
  return out;
}

/** The same key for every retry of one callback: MsgId for messages, sender + time + event for events. */
function dedupeKey(msg: WecomInboundMessage): string {
  return msg.msgType === 'event'
    ? `${msg.fromUserName}:${msg.createTime}:${msg.event}:${msg.eventKey ?? ''}`
    : (msg.msgId ?? `${msg.fromUserName}:${msg.createTime}:${msg.msgType}`);
}

function toInbound(msg: WecomInboundMessage): CallbackInbound {
  const base = { senderId: msg.fromUserName, dedupeKey: dedupeKey(msg) };
  if (msg.msgType === 'text') return { ...base, kind: 'text', text: msg.content, messageId: msg.msgId };
  if (msg.msgType === 'event')
    return { ...base, kind: 'event', event: msg.event, eventKey: msg.eventKey, taskId: msg.taskId, responseCode: msg.responseCode };
  return { ...base, kind: 'unsupported' };
}

/** WXBizMsgCrypt failures as the port's refusal: a bad signature (or stale timestamp) is forged, the rest malformed. */
function refused<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof WecomCryptoError)
      throw new CallbackRefused(err.code === -40001 ? 'forged' : 'malformed', err.errorName, err.code, err.message);
    throw err;
  }
}

/** WeCom's self-built-app callback protocol behind the channel port (wecom.md: signature, AES, XML, passive reply). */
export function makeWecomCallbackCodec(cfg: WecomCallbackConfig): CallbackCodec {
  const crypto = makeWecomCrypto({ token: cfg.token, encodingAESKey: cfg.encodingAESKey, receiveId: cfg.corpId });
  const nowS = () => Math.floor(cfg.clock.now().getTime() / 1000);

  function checkFresh(timestamp: string | undefined): void {
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) throw new WecomCryptoError(-40001, 'timestamp missing or not digits');
    if (cfg.replayWindowS > 0 && Math.abs(nowS() - Number(timestamp)) > cfg.replayWindowS) {
      throw new WecomCryptoError(-40001, `timestamp outside the ${cfg.replayWindowS} s replay window`);
    }
  }

  return {
    channel: 'wecom',
    verifyUrl: (rawQuery) =>
      refused(() => {
        const q = parseCallbackQuery(rawQuery);
        checkFresh(q.timestamp);
        return crypto.verifyUrl(q);
      }),
    open: (rawQuery, body) =>
      refused(() => {
        const q = parseCallbackQuery(rawQuery);
        const envelope = parseEnvelope(body);
        if (!q.msg_signature || !q.nonce) throw new WecomCryptoError(-40001, 'msg_signature and nonce are required');
        checkFresh(q.timestamp);
        const xml = crypto.decryptMessage({
          msgSignature: q.msg_signature,
          timestamp: q.timestamp,
          nonce: q.nonce,
          encrypt: envelope.encrypt,
        });
        return toInbound(parseInboundMessage(xml));
      }),
    fitsReply: (text) => utf8Bytes(text) <= WECOM_TEXT_MAX_BYTES,
    sealReply(toUser, text) {
      const timestamp = String(nowS());
      const nonce = String(randomInt(100_000_000, 2_000_000_000));
      const xml = buildTextReplyXml({ toUser, fromUser: cfg.corpId, createTime: Number(timestamp), content: text });
      return { contentType: 'application/xml', body: buildEncryptedEnvelopeXml(crypto.encryptReply(xml, timestamp, nonce)) };
    },
  };
}
