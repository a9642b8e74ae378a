import { randomBytes, randomInt } from 'node:crypto';
import type { WecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { cdata } from '../../src/bot/channels/wecom/xml';

export interface CallbackEventInput {
  event: string;
  eventKey?: string;
  taskId?: string;
  cardType?: string;
  responseCode?: string;
}

export interface CallbackInput {
  fromUser: string;
  /** A text message; give exactly one of text, contentXml, event or msgType (another type, e.g. "image"). */
  text?: string;
  /** A text message whose Content is this XML text as it stands, not CDATA: entities such as `&#0;` reach the parser. */
  contentXml?: string;
  event?: CallbackEventInput;
  msgType?: string;
  msgId?: string;
  /** Epoch seconds; defaults to now. */
  createTime?: number;
  timestamp?: string;
  nonce?: string;
}

export interface BuiltCallback {
  query: { msg_signature: string; timestamp: string; nonce: string };
  /** The query encoded as WeCom sends it ("+" as %2B), ready to append after "?". */
  queryString: string;
  body: string;
  /** The decrypted inner XML, for assertions. */
  plaintext: string;
}

/** A 64-bit-looking MsgId beyond Number.MAX_SAFE_INTEGER, to catch precision loss. */
function randomMsgId(): string {
  return `${randomInt(1_000_000_000, 9_000_000_000)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}

function innerXml(input: CallbackInput, corpId: string, agentId: string, createTime: number): string {
  const head =
    `<xml><ToUserName>${cdata(corpId)}</ToUserName><FromUserName>${cdata(input.fromUser)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime>`;
  const tail = `<AgentID>${agentId}</AgentID></xml>`;
  if (input.event) {
    const e = input.event;
    const optional = (tag: string, v?: string) => (v === undefined ? '' : `<${tag}>${cdata(v)}</${tag}>`);
    return (
      `${head}<MsgType>${cdata('event')}</MsgType><Event>${cdata(e.event)}</Event>` +
      optional('EventKey', e.eventKey) +
      optional('TaskId', e.taskId) +
      optional('CardType', e.cardType) +
      optional('ResponseCode', e.responseCode) +
      tail
    );
  }
  const msgId = `<MsgId>${input.msgId ?? randomMsgId()}</MsgId>`;
  const content = input.contentXml ?? (input.text === undefined ? undefined : cdata(input.text));
  if (content !== undefined) return `${head}<MsgType>${cdata('text')}</MsgType><Content>${content}</Content>${msgId}${tail}`;
  const type = input.msgType ?? 'image';
  return `${head}<MsgType>${cdata(type)}</MsgType><MediaId>${cdata('fake-media')}</MediaId>${msgId}${tail}`;
}

/** Builds genuine encrypted callbacks, as WeCom would POST them to the app's URL. */
export function makeCallbackBuilder(crypto: WecomCrypto, corpId: string, agentId: string, nowS: () => number) {
  const freshNonce = () => String(randomInt(100_000_000, 2_000_000_000));

  function buildCallback(input: CallbackInput): BuiltCallback {
    const createTime = input.createTime ?? nowS();
    const timestamp = input.timestamp ?? String(nowS());
    const nonce = input.nonce ?? freshNonce();
    const plaintext = innerXml(input, corpId, agentId, createTime);
    const encrypt = crypto.encrypt(plaintext, randomBytes(16));
    const query = { msg_signature: crypto.signature(timestamp, nonce, encrypt), timestamp, nonce };
    // WeCom varies element order; AgentID before Encrypt exercises that on the receiving side.
    const body = `<xml><ToUserName>${cdata(corpId)}</ToUserName><AgentID>${cdata(agentId)}</AgentID><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
    return { query, queryString: new URLSearchParams(query).toString(), body, plaintext };
  }

  function buildUrlVerification(echostr: string, timestamp = String(nowS()), nonce = freshNonce()) {
    const encrypted = crypto.encrypt(echostr);
    const query = { msg_signature: crypto.signature(timestamp, nonce, encrypted), timestamp, nonce, echostr: encrypted };
    return { query, queryString: new URLSearchParams(query).toString(), expected: echostr };
  }

  return { buildCallback, buildUrlVerification };
}
