/**
 * A callback a channel refused. `forged` (bad or stale signature) is answered 403, `malformed`
 * 400; the name and code are the channel's own (WeCom: ValidateSignatureError −40001 …) and go
 * to the log only.
 */
export class CallbackRefused extends Error {
  constructor(
    readonly kind: 'forged' | 'malformed',
    readonly errorName: string,
    readonly code: number | undefined,
    detail: string,
  ) {
    super(`${errorName}${code === undefined ? '' : ` (${code})`}: ${detail}`);
    this.name = 'CallbackRefused';
  }
}

/** One verified, decrypted callback; `dedupeKey` is the same for every retry of it. */
export type CallbackInbound =
  | { kind: 'text'; senderId: string; text: string; messageId: string; dedupeKey: string }
  | { kind: 'event'; senderId: string; event: string; eventKey?: string; taskId?: string; responseCode?: string; dedupeKey: string }
  | { kind: 'unsupported'; senderId: string; dedupeKey: string };

/**
 * A push channel's callback protocol (WeCom's self-built app): signatures, encryption, the
 * message format and the passive reply. Every failure to read a callback throws CallbackRefused.
 */
export interface CallbackCodec {
  /** The channel name the bot logs exchanges under ('wecom'). */
  readonly channel: string;
  /** URL verification (GET): the plaintext to answer with, exactly. */
  verifyUrl(rawQuery: string): string;
  /** A POSTed callback: checks freshness and signature, decrypts and parses it. */
  open(rawQuery: string, body: string): CallbackInbound;
  /** Whether an answer fits one passive reply (longer ones go as app messages). */
  fitsReply(text: string): boolean;
  /** The HTTP response carrying a passive text reply to `toUser`. */
  sealReply(toUser: string, text: string): { contentType: string; body: string };
}
