import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../../domain/clock';
import { UnauthenticatedError } from '../../domain/errors';

// Tokens carry only the user id: role, unit and the active flag are read per request, so a
// deactivated user or a changed role takes effect at once rather than at token expiry.
export interface TokenClaims {
  userId: number;
}

/** Signs and verifies expiring HS256 bearer tokens. */
export function makeTokenService(secret: string, ttlSeconds: number, clock: Clock) {
  const key = new TextEncoder().encode(secret);
  return {
    ttlSeconds,
    async sign(userId: number): Promise<{ token: string; expiresAt: Date }> {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const token = await new SignJWT({})
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
          currentDate: clock.now(),
        });
        const userId = Number(payload.sub);
        if (!Number.isInteger(userId) || userId <= 0) throw new Error('bad subject');
        return { userId };
      } catch {
        throw new UnauthenticatedError('TOKEN_INVALID', '登录已失效或令牌无效，请重新登录');
      }
    },
  };
}
export type TokenService = ReturnType<typeof makeTokenService>;
