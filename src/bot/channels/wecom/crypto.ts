import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** WXBizMsgCrypt error codes, so logs and callers name failures the way WeCom's docs do. */
export const WECOM_CRYPTO_ERRORS = {
  [-40001]: 'ValidateSignatureError',
  [-40002]: 'ParseXmlError',
  [-40003]: 'ComputeSignatureError',
  [-40004]: 'IllegalAesKey',
  [-40005]: 'ValidateCorpidError',
  [-40006]: 'EncryptAESError',
  [-40007]: 'DecryptAESError',
  [-40008]: 'IllegalBuffer',
  [-40010]: 'DecodeBase64Error',
} as const;

export type WecomCryptoCode = keyof typeof WECOM_CRYPTO_ERRORS;

/** A callback crypto/parse failure carrying the WXBizMsgCrypt code and name; never holds secrets. */
export class WecomCryptoError extends Error {
  readonly errorName: string;
  constructor(
    readonly code: WecomCryptoCode,
    detail: string,
  ) {
    super(`${WECOM_CRYPTO_ERRORS[code]} (${code}): ${detail}`);
    this.name = 'WecomCryptoError';
    this.errorName = WECOM_CRYPTO_ERRORS[code];
  }
}

export interface WecomCryptoConfig {
  token: string;
  encodingAESKey: string;
  receiveId: string;
}

export interface DecryptedPayload {
  message: string;
  receiveId: string;
  random: Buffer;
}

export interface EncryptedReply {
  encrypt: string;
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

export interface UrlVerificationQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
  echostr?: string;
}

// WeCom pads to 32-byte blocks (not AES's 16), so Node's auto-padding cannot be used.
const BLOCK = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeAesKey(encodingAESKey: string): Buffer {
  if (encodingAESKey.length !== 43 || !BASE64.test(encodingAESKey)) {
    throw new WecomCryptoError(-40004, 'EncodingAESKey must be 43 base64 characters');
  }
  const key = Buffer.from(encodingAESKey + '=', 'base64');
  if (key.length !== 32) throw new WecomCryptoError(-40004, 'EncodingAESKey must decode to 32 bytes');
  return key;
}

function pkcs7Pad(data: Buffer): Buffer {
  const pad = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

function pkcs7Unpad(data: Buffer): Buffer {
  const pad = data.length > 0 ? data[data.length - 1] : 0;
  if (pad < 1 || pad > BLOCK || pad > data.length) throw new WecomCryptoError(-40007, 'bad padding');
  for (let i = data.length - pad; i < data.length; i++) {
    if (data[i] !== pad) throw new WecomCryptoError(-40007, 'bad padding');
  }
  return data.subarray(0, data.length - pad);
}

/** Builds the WXBizMsgCrypt primitives (signature, AES-256-CBC, framing) for one app's callback. */
export function makeWecomCrypto(config: WecomCryptoConfig) {
  const { token, receiveId } = config;
  if (token.length === 0) throw new WecomCryptoError(-40003, 'token must not be empty');
  const key = decodeAesKey(config.encodingAESKey);
  const iv = key.subarray(0, 16);

  function signature(timestamp: string, nonce: string, encrypt: string): string {
    return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
  }

  function verifySignature(sig: string, timestamp: string, nonce: string, encrypt: string): boolean {
    const expected = Buffer.from(signature(timestamp, nonce, encrypt), 'utf8');
    const given = Buffer.from(sig, 'utf8');
    // Only the (public) length can leak; equal-length contents are compared in constant time.
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function decrypt(encrypt: string): DecryptedPayload {
    if (encrypt.length === 0 || encrypt.length % 4 !== 0 || !BASE64.test(encrypt)) {
      throw new WecomCryptoError(-40010, 'ciphertext is not valid base64');
    }
    const cipherText = Buffer.from(encrypt, 'base64');
    if (cipherText.length % 16 !== 0) throw new WecomCryptoError(-40007, 'ciphertext length is not a block multiple');
    let padded: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      padded = Buffer.concat([decipher.update(cipherText), decipher.final()]);
    } catch {
      throw new WecomCryptoError(-40007, 'AES decryption failed');
    }
    const plain = pkcs7Unpad(padded);
    if (plain.length < 20) throw new WecomCryptoError(-40008, 'plaintext too short');
    const msgLength = plain.readUInt32BE(16);
    if (msgLength > plain.length - 20) throw new WecomCryptoError(-40008, 'message length exceeds plaintext');
    let message: string;
    let fromId: string;
    try {
      message = utf8.decode(plain.subarray(20, 20 + msgLength));
      fromId = utf8.decode(plain.subarray(20 + msgLength));
    } catch {
      throw new WecomCryptoError(-40008, 'plaintext is not valid UTF-8');
    }
    if (fromId !== receiveId) throw new WecomCryptoError(-40005, 'receive id does not match');
    return { message, receiveId: fromId, random: Buffer.from(plain.subarray(0, 16)) };
  }

  function encrypt(message: string, randomPrefix: Buffer = randomBytes(16)): string {
    if (randomPrefix.length !== 16) throw new WecomCryptoError(-40006, 'random prefix must be 16 bytes');
    const msg = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(msg.length, 0);
    const plain = pkcs7Pad(Buffer.concat([randomPrefix, length, msg, Buffer.from(receiveId, 'utf8')]));
    const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
  }

  function checkSignature(sig: string, timestamp: string, nonce: string, cipherText: string): void {
    if (!verifySignature(sig, timestamp, nonce, cipherText)) {
      throw new WecomCryptoError(-40001, 'signature mismatch');
    }
  }

  /** GET URL check: verify over echostr, decrypt, return the plaintext to echo back. */
  function verifyUrl(query: UrlVerificationQuery): string {
    const { msg_signature: sig, timestamp, nonce, echostr } = query;
    if (!sig || !timestamp || !nonce || !echostr) {
      throw new WecomCryptoError(-40001, 'msg_signature, timestamp, nonce and echostr are required');
    }
    checkSignature(sig, timestamp, nonce, echostr);
    return decrypt(echostr).message;
  }

  /** POST callback: verify the signature over the envelope's Encrypt, then decrypt it to inner XML. */
  function decryptMessage(input: { msgSignature: string; timestamp: string; nonce: string; encrypt: string }): string {
    checkSignature(input.msgSignature, input.timestamp, input.nonce, input.encrypt);
    return decrypt(input.encrypt).message;
  }

  /** Encrypts and signs a passive reply; the caller wraps it with buildEncryptedEnvelopeXml. */
  function encryptReply(xmlPlaintext: string, timestamp: string, nonce: string, random?: Buffer): EncryptedReply {
    const cipherText = encrypt(xmlPlaintext, random);
    return { encrypt: cipherText, msgSignature: signature(timestamp, nonce, cipherText), timestamp, nonce };
  }

  return { signature, verifySignature, decrypt, encrypt, verifyUrl, decryptMessage, encryptReply };
}

export type WecomCrypto = ReturnType<typeof makeWecomCrypto>;
