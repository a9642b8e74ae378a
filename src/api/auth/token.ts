import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../../domain/clock';
import { UnauthenticatedError } from '../../domain/errors';

// Tokens carry the user id and the user's token version: role, unit and the active flag are read
// per request, and a deactivation, role change or password change raises the version, so every
// older token stops working at once rather than at its expiry.
export interface TokenClaims {
  userId: number;
  tokenVersion: number;
}

// A subject is the decimal id exactly as signed: "1e0", " 1", "01" or "1.0" are not user 1.
const SUBJECT = /^[1-9]\d{0,9}$/;

/** Signs and verifies expiring HS256 bearer tokens. */
export function makeTokenService(secret: string, ttlSeconds: number, clock: Clock) {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    async sign(userId: number, tokenVersion: number): Promise<{ token: string; expiresAt: Date }> {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const token = await new SignJWT({ ver: tokenVersion })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(userId))
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setIssuer('fiscal-bill-desk')
        .sign(key);
      return { token, expiresAt: new Date((iat + ttlSeconds) * 1000) };
    },
    async verify(token: string): Promise<TokenClaims> {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: 'fiscal-bill-desk',
          requiredClaims: ['exp', 'iat', 'sub'],
          currentDate: clock.now(),
        });
        if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) throw new Error('bad subject');
        if (!Number.isInteger(payload.ver) || (payload.ver as number) < 0) throw new Error('bad token version');
        return { userId: Number(payload.sub), tokenVersion: payload.ver as number };
      } catch {
        throw new UnauthenticatedError('TOKEN_INVALID', '登录已失效或令牌无效，请重新登录');
      }
    },
  };
}
export type TokenService = ReturnType<typeof makeTokenService>;
