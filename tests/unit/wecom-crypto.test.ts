import { createCipheriv, createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeWecomCrypto, WecomCryptoError } from '../../src/bot/channels/wecom/crypto';
import { parseEnvelope } from '../../src/bot/channels/wecom/message';

interface Vector {
  id: string;
  msg_signature?: string;
  timestamp: string;
  nonce: string;
  raw_query?: string;
  post_body?: string;
  encrypt?: string;
  expected_plaintext?: string;
  expected_random_ascii?: string;
  random_ascii?: string;
  plaintext?: string;
  expected_encrypt?: string;
  expected_msg_signature?: string;
}

// A copy of the design notes' shared/wecom/official-vectors.json, so the suite runs from any checkout.
const file = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/wecom-official-vectors.json'), 'utf8')) as {
  config: { token: string; encodingAESKey: string; receiveId: string };
  vectors: Vector[];
};
const crypto = makeWecomCrypto(file.config);
const vector = (id: string) => file.vectors.find((v) => v.id === id)!;

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WecomCryptoError) return err.code;
    throw err;
  }
  return undefined;
}

describe('WeCom crypto against the conformance vectors', () => {
  it('when the file is loaded, then it holds all three known vectors', () => {
    expect(file.vectors.map((v) => v.id).sort()).toEqual(['B1_verify_url', 'B2_decrypt_msg', 'reply_encrypt_selfgenerated']);
  });

  it('when the official URL check arrives, then the signature verifies and echostr decrypts byte for byte', () => {
    const v = vector('B1_verify_url');
    const query = Object.fromEntries(new URLSearchParams(v.raw_query));
    expect(query.echostr).toBe(v.encrypt);
    expect(crypto.signature(v.timestamp, v.nonce, v.encrypt!)).toBe(v.msg_signature);
    expect(crypto.verifyUrl(query)).toBe(v.expected_plaintext);
    const decrypted = crypto.decrypt(v.encrypt!);
    expect(decrypted.random.toString('latin1')).toBe(v.expected_random_ascii);
    expect(decrypted.receiveId).toBe(file.config.receiveId);
  });

  it('when the official message POST arrives, then the envelope parses and the inner XML is exact', () => {
    const v = vector('B2_decrypt_msg');
    const envelope = parseEnvelope(v.post_body!);
    expect(envelope.encrypt).toBe(v.encrypt);
    expect(envelope.agentId).toBe('218');
    const inner = crypto.decryptMessage({
      msgSignature: v.msg_signature!,
      timestamp: v.timestamp,
      nonce: v.nonce,
      encrypt: envelope.encrypt,
    });
    expect(inner).toBe(v.expected_plaintext);
    expect(crypto.decrypt(v.encrypt!).random.toString('latin1')).toBe(v.expected_random_ascii);
  });

  it('when the reply vector is encrypted with its fixed random prefix, then ciphertext and signature match', () => {
    const v = vector('reply_encrypt_selfgenerated');
    const reply = crypto.encryptReply(v.plaintext!, v.timestamp, v.nonce, Buffer.from(v.random_ascii!, 'latin1'));
    expect(reply.encrypt).toBe(v.expected_encrypt);
    expect(reply.msgSignature).toBe(v.expected_msg_signature);
    expect(crypto.decrypt(reply.encrypt).message).toBe(v.plaintext);
  });
});

describe('WeCom crypto failures', () => {
  const b2 = vector('B2_decrypt_msg');
  const b2Input = { msgSignature: b2.msg_signature!, timestamp: b2.timestamp, nonce: b2.nonce, encrypt: b2.encrypt! };

  it('when the signature is tampered, then decryptMessage fails with -40001 and verifySignature is false', () => {
    const tampered = b2.msg_signature!.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(crypto.verifySignature(tampered, b2.timestamp, b2.nonce, b2.encrypt!)).toBe(false);
    expect(crypto.verifySignature(b2.msg_signature!.slice(0, 20), b2.timestamp, b2.nonce, b2.encrypt!)).toBe(false);
    expect(codeOf(() => crypto.decryptMessage({ ...b2Input, msgSignature: tampered }))).toBe(-40001);
    expect(codeOf(() => crypto.decryptMessage({ ...b2Input, nonce: '1' }))).toBe(-40001);
  });

  it('when the URL check lacks echostr, then it fails with -40001', () => {
    expect(codeOf(() => crypto.verifyUrl({ msg_signature: 'x', timestamp: '1', nonce: '2' }))).toBe(-40001);
  });

  it('when the AES key is wrong, then decryption fails with a typed error and no plaintext', () => {
    const other = makeWecomCrypto({ ...file.config, encodingAESKey: 'Edac9PjCWW92zBOehjFDIGE6I5qOG4Vc6EwIIgVa8L0' });
    const code = codeOf(() => other.decrypt(b2.encrypt!));
    expect([-40005, -40007, -40008]).toContain(code);
  });

  it('when the AES key is malformed, then construction fails with -40004 without echoing the key', () => {
    const badKey = 'tooShortKey';
    try {
      makeWecomCrypto({ ...file.config, encodingAESKey: badKey });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WecomCryptoError);
      expect((err as WecomCryptoError).code).toBe(-40004);
      expect((err as Error).message).not.toContain(badKey);
      expect((err as Error).message).not.toContain(file.config.token);
    }
    expect(codeOf(() => makeWecomCrypto({ ...file.config, encodingAESKey: '!'.repeat(43) }))).toBe(-40004);
  });

  it('when the base64 is truncated, then decryption fails with a typed error', () => {
    expect(codeOf(() => crypto.decrypt(b2.encrypt!.slice(0, -10)))).toBe(-40010);
    expect(codeOf(() => crypto.decrypt(b2.encrypt!.slice(0, 64)))).not.toBeUndefined();
    expect(codeOf(() => crypto.decrypt(b2.encrypt!.slice(0, 20)))).toBe(-40007);
    expect(codeOf(() => crypto.decrypt(''))).toBe(-40010);
  });

  it('when the padding byte is 0, above 32 or inconsistent, then decryption fails with -40007', () => {
    const encryptRaw = (plain: Buffer) => {
      const key = Buffer.from(file.config.encodingAESKey + '=', 'base64');
      const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
      return Buffer.concat([c.update(plain), c.final()]).toString('base64');
    };
    const block = (last: number[]) => Buffer.concat([Buffer.alloc(64 - last.length, 0x41), Buffer.from(last)]);
    expect(codeOf(() => crypto.decrypt(encryptRaw(block([0]))))).toBe(-40007);
    expect(codeOf(() => crypto.decrypt(encryptRaw(block([33]))))).toBe(-40007);
    expect(codeOf(() => crypto.decrypt(encryptRaw(block([2, 3, 3]))))).toBe(-40007);
    // Well padded but the declared length runs past the end.
    const framed = Buffer.concat([Buffer.alloc(16), Buffer.from([0, 0, 1, 0]), Buffer.alloc(12, 0x41)]);
    expect(codeOf(() => crypto.decrypt(encryptRaw(Buffer.concat([framed, Buffer.alloc(32, 32)]))))).toBe(-40008);
  });

  it('when the receive id differs, then decryption fails with -40005', () => {
    const foreign = makeWecomCrypto({ ...file.config, receiveId: 'wwsomeoneelse' });
    expect(codeOf(() => crypto.decrypt(foreign.encrypt('hello')))).toBe(-40005);
  });
});

describe('WeCom crypto round trips', () => {
  it('when Chinese text and emoji are encrypted, then the length field counts UTF-8 bytes and decrypts back', () => {
    const message = '您好，请问医疗收费票据还剩多少？👍🏽👨‍👩‍👧';
    const random = Buffer.from('0123456789abcdef');
    const encrypted = crypto.encrypt(message, random);
    const key = Buffer.from(file.config.encodingAESKey + '=', 'base64');
    const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
    const plain: Buffer = Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()]);
    expect(plain.length % 32).toBe(0);
    expect(plain.readUInt32BE(16)).toBe(Buffer.byteLength(message, 'utf8'));
    expect(plain.readUInt32BE(16)).not.toBe(message.length);
    const out = crypto.decrypt(encrypted);
    expect(out.message).toBe(message);
    expect(out.random.equals(random)).toBe(true);
  });

  it('when plaintexts of every length near a block edge are encrypted, then each decrypts back', () => {
    for (let n = 0; n < 70; n++) {
      const message = '票'.repeat(n % 7) + 'x'.repeat(n);
      expect(crypto.decrypt(crypto.encrypt(message)).message).toBe(message);
    }
  });

  it('when no random prefix is given, then two encryptions of the same text differ', () => {
    expect(crypto.encrypt('same')).not.toBe(crypto.encrypt('same'));
  });

  it('when a random prefix is not 16 bytes, then encryption is refused', () => {
    expect(codeOf(() => crypto.encrypt('x', Buffer.alloc(8)))).toBe(-40006);
  });
});
