import { z } from 'zod';
import { WecomCryptoError } from './crypto';
import { cdata, parseWecomXml, stripXmlInvalid, type XmlRecord } from './xml';

const text = z.string();
const nonEmpty = z.string().min(1);
const digits = z.string().regex(/^\d+$/, 'must be digits');
const epochSeconds = digits.transform(Number);

/** The POST body WeCom sends: only Encrypt is used; ToUserName/AgentID are informational. */
export const envelopeSchema = z
  .object({ ToUserName: text.optional(), Encrypt: nonEmpty, AgentID: text.optional() })
  .transform((r) => ({ toUserName: r.ToUserName ?? '', encrypt: r.Encrypt, agentId: r.AgentID || undefined }));

export type WecomEnvelope = z.output<typeof envelopeSchema>;

const common = {
  ToUserName: nonEmpty,
  FromUserName: nonEmpty,
  CreateTime: epochSeconds,
  AgentID: text.optional(),
};

/** A member's text message; MsgId stays a string because it is a 64-bit integer. */
export const textMessageSchema = z.object({ ...common, MsgType: z.literal('text'), Content: text, MsgId: digits }).transform((r) => ({
  msgType: 'text' as const,
  toUserName: r.ToUserName,
  fromUserName: r.FromUserName,
  createTime: r.CreateTime,
  content: r.Content,
  msgId: r.MsgId,
  agentId: r.AgentID ?? '',
}));

/** Event names the bot acts on; any other event arrives as its raw string. */
export type WecomEventName = 'enter_agent' | 'click' | 'template_card_event' | (string & {});

export const eventMessageSchema = z
  .object({
    ...common,
    MsgType: z.literal('event'),
    Event: nonEmpty,
    EventKey: text.optional(),
    TaskId: text.optional(),
    CardType: text.optional(),
    ResponseCode: text.optional(),
  })
  .transform((r) => ({
    msgType: 'event' as const,
    toUserName: r.ToUserName,
    fromUserName: r.FromUserName,
    createTime: r.CreateTime,
    agentId: r.AgentID ?? '',
    event: r.Event,
    eventKey: r.EventKey || undefined,
    taskId: r.TaskId || undefined,
    cardType: r.CardType || undefined,
    responseCode: r.ResponseCode || undefined,
  }));

/** Image, voice, video, location, link, file…: kept so the bot can answer that it reads text only. */
export const unsupportedMessageSchema = z.object({ ...common, MsgType: nonEmpty, MsgId: digits.optional() }).transform((r) => ({
  msgType: 'unsupported' as const,
  originalType: r.MsgType,
  toUserName: r.ToUserName,
  fromUserName: r.FromUserName,
  createTime: r.CreateTime,
  agentId: r.AgentID ?? '',
  msgId: r.MsgId,
}));

export type WecomTextMessage = z.output<typeof textMessageSchema>;
export type WecomEventMessage = z.output<typeof eventMessageSchema>;
export type WecomUnsupportedMessage = z.output<typeof unsupportedMessageSchema>;
export type WecomInboundMessage = WecomTextMessage | WecomEventMessage | WecomUnsupportedMessage;

/** Leaves only: nested blocks (SelectedItems, ScanCodeInfo…) are not needed by the bot. */
function leaves(record: XmlRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * A member's message with the characters XML 1.0 forbids removed from every field: a `&#0;` the
 * parser decoded (or a control character inside CDATA) means nothing to the bot, and PostgreSQL
 * cannot store a NUL, so the member would get the fallback instead of an answer.
 */
function cleaned(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k] = stripXmlInvalid(v);
  return out;
}

function check<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    // Field paths only: values may be user text and do not belong in error messages.
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new WecomCryptoError(-40002, `invalid ${what}: ${fields}`);
  }
  return parsed.data;
}

/** Parses the outer callback body `<xml><ToUserName/><Encrypt/><AgentID/></xml>`. */
export function parseEnvelope(xml: string, maxBytes?: number): WecomEnvelope {
  return check(envelopeSchema, leaves(parseWecomXml(xml, maxBytes)), 'envelope');
}

/** Parses a decrypted inner message into the typed union; unknown MsgTypes become 'unsupported'. */
export function parseInboundMessage(xml: string, maxBytes?: number): WecomInboundMessage {
  const record = cleaned(leaves(parseWecomXml(xml, maxBytes)));
  if (record.MsgType === 'text') return check(textMessageSchema, record, 'text message');
  if (record.MsgType === 'event') return check(eventMessageSchema, record, 'event');
  return check(unsupportedMessageSchema, record, 'message');
}

/** Builds the plaintext of a passive text reply (ToUserName = member, FromUserName = CorpID). */
export function buildTextReplyXml(input: { toUser: string; fromUser: string; createTime: number; content: string }): string {
  return (
    `<xml><ToUserName>${cdata(input.toUser)}</ToUserName><FromUserName>${cdata(input.fromUser)}</FromUserName>` +
    `<CreateTime>${Math.trunc(input.createTime)}</CreateTime><MsgType>${cdata('text')}</MsgType>` +
    `<Content>${cdata(input.content)}</Content></xml>`
  );
}

/** Builds the encrypted passive-reply body WeCom expects in the HTTP response. */
export function buildEncryptedEnvelopeXml(input: { encrypt: string; msgSignature: string; timestamp: string; nonce: string }): string {
  return (
    `<xml><Encrypt>${cdata(input.encrypt)}</Encrypt><MsgSignature>${cdata(input.msgSignature)}</MsgSignature>` +
    `<TimeStamp>${/^\d+$/.test(input.timestamp) ? input.timestamp : cdata(input.timestamp)}</TimeStamp><Nonce>${cdata(input.nonce)}</Nonce></xml>`
  );
}
