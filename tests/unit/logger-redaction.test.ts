import { describe, expect, it } from 'vitest';
import { makeLogger } from '../../src/logger';

function capture() {
  const lines: string[] = [];
  const logger = makeLogger('debug', { write: (l: string) => void lines.push(l) });
  return { logger, text: () => lines.join('\n') };
}

describe('logger redaction', () => {
  it('when credentials are logged at the top level or one object down, then none of their values reach the output', () => {
    const { logger, text } = capture();
    logger.info({ password: 'pw-top-1', token: 'tok-top-2', access_token: 'at-top-3', corpSecret: 'cs-top-4' }, 'top');
    logger.info(
      {
        user: { password: 'pw-nested-5', passwordHash: '$argon2id$hash-6' },
        wecom: { aesKey: 'aes-7', corpsecret: 'cs-8', accessToken: 'at-9' },
      },
      'nested',
    );
    logger.info({ req: { headers: { authorization: 'Bearer jwt-10', cookie: 'dash=cookie-11' } } }, 'request');
    logger.child({ reqId: 'r1' }).warn({ headers: { authorization: 'Bearer jwt-12' }, secret: 'sec-13' }, 'child');
    const out = text();
    for (const v of [
      'pw-top-1',
      'tok-top-2',
      'at-top-3',
      'cs-top-4',
      'pw-nested-5',
      'hash-6',
      'aes-7',
      'cs-8',
      'at-9',
      'jwt-10',
      'cookie-11',
      'jwt-12',
      'sec-13',
    ]) {
      expect(out).not.toContain(v);
    }
    expect(out.match(/\[redacted\]/g)?.length).toBe(13);
  });

  it('when a database error carrying its bound values is logged, then the values are redacted and the message stays', () => {
    const { logger, text } = capture();
    const err = Object.assign(new Error('duplicate key value violates unique constraint'), {
      query: 'INSERT INTO "user" …',
      parameters: ['alice', '$argon2id$secret-hash'],
    });
    logger.error({ err, reqId: 'r2' }, 'unhandled error');
    expect(text()).not.toContain('secret-hash');
    expect(text()).toContain('duplicate key value');
  });
});
