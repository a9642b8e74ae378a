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

/** How many verified tokens a process remembers (a bureau has a few hundred signed-in users). */
const VERIFIED_CACHE_SIZE = 5000;

/**
 * Signs and verifies expiring HS256 bearer tokens. A token whose signature was verified is
 * remembered with its expiry: every API request carries one, and jose verifies through WebCrypto,
 * two hand-offs to the thread pool per request (the bench's HTTP tail). A remembered token is still
 * refused once expired, and revocation never relied on this check: the token version is read from
 * the user's row on every request.
 */
export function makeTokenService(secret: string, ttlSeconds: number, clock: Clock) {
  const key = new TextEncoder().encode(secret);
  const verified = new Map<string, { claims: TokenClaims; exp: number }>();
  const invalid = () => new UnauthenticatedError('TOKEN_INVALID', '登录已失效或令牌无效，请重新登录');
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
      const nowS = Math.floor(clock.now().getTime() / 1000);
      const known = verified.get(token);
      if (known) {
        // As jose judges it: expired when exp <= now.
        if (known.exp > nowS) return known.claims;
        verified.delete(token);
        throw invalid();
      }
      let claims: TokenClaims;
      let exp: number;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: 'fiscal-bill-desk',
          requiredClaims: ['exp', 'iat', 'sub'],
          currentDate: clock.now(),
        });
        if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub)) throw new Error('bad subject');
        if (!Number.isInteger(payload.ver) || (payload.ver as number) < 0) throw new Error('bad token version');
        claims = { userId: Number(payload.sub), tokenVersion: payload.ver as number };
        exp = payload.exp!;
      } catch {
        throw invalid();
      }
      // Oldest first out: a Map iterates in insertion order.
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { claims, exp });
      return claims;
    },
  };
}
export type TokenService = ReturnType<typeof makeTokenService>;
