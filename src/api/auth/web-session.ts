import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Context } from 'koa';
import type { Clock } from '../../domain/clock';
import { UnauthenticatedError } from '../../domain/errors';

/**
 * The workbench's cookie session (web.md): a signed token in an HttpOnly cookie beside the bearer
 * tokens of API clients. It carries the user id, the user's token version (a deactivation, role or
 * password change ends it at once, as for bearer tokens) and the session's CSRF token, which the
 * pages echo in X-CSRF-Token on every state-changing request (double submit: a cross-site page can
 * make the browser send the cookie but cannot read the CSRF cookie).
 */
export const SESSION_COOKIE = 'fbd_session';
export const CSRF_COOKIE = 'fbd_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** A working day: the desk signs in once in the morning. */
export const WEB_SESSION_TTL_S = 8 * 3600;

const ISSUER = 'fiscal-bill-desk/web';

export interface WebSessionClaims {
  userId: number;
  tokenVersion: number;
  csrf: string;
}

export interface IssuedWebSession {
  token: string;
  csrf: string;
  expiresAt: Date;
}

/** Signs and verifies session cookies. Its key is derived apart from the bearer tokens' key, so neither passes for the other. */
export function makeWebSessions(secret: string, clock: Clock) {
  const key = createHmac('sha256', secret).update('fbd web session v1').digest();
  return {
    async issue(userId: number, tokenVersion: number): Promise<IssuedWebSession> {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const csrf = randomBytes(24).toString('base64url');
      const token = await new SignJWT({ ver: tokenVersion, csrf })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(String(userId))
        .setIssuedAt(iat)
        .setExpirationTime(iat + WEB_SESSION_TTL_S)
        .setIssuer(ISSUER)
        .sign(key);
      return { token, csrf, expiresAt: new Date((iat + WEB_SESSION_TTL_S) * 1000) };
    },
    async verify(token: string): Promise<WebSessionClaims> {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          requiredClaims: ['exp', 'iat', 'sub'],
          currentDate: clock.now(),
        });
        if (typeof payload.sub !== 'string' || !/^[1-9]\d{0,9}$/.test(payload.sub)) throw new Error('bad subject');
        if (!Number.isInteger(payload.ver) || (payload.ver as number) < 0) throw new Error('bad token version');
        if (typeof payload.csrf !== 'string' || payload.csrf.length < 16) throw new Error('bad csrf');
        return { userId: Number(payload.sub), tokenVersion: payload.ver as number, csrf: payload.csrf };
      } catch {
        throw new UnauthenticatedError('TOKEN_INVALID', '登录已失效，请重新登录');
      }
    },
  };
}
export type WebSessions = ReturnType<typeof makeWebSessions>;

/** Sets a fresh session (login, WeCom authorisation): a new token and a new CSRF token every time. */
export function setSessionCookies(ctx: Context, s: IssuedWebSession): void {
  // maxAge, not the token's expiry date: the browser's clock need not agree with ours (the token's own expiry decides).
  const common = { path: '/', sameSite: 'lax' as const, secure: ctx.secure, maxAge: WEB_SESSION_TTL_S * 1000, overwrite: true };
  ctx.cookies.set(SESSION_COOKIE, s.token, { ...common, httpOnly: true });
  // Readable by the pages (they echo it), worthless without the HttpOnly session it belongs to.
  ctx.cookies.set(CSRF_COOKIE, s.csrf, { ...common, httpOnly: false });
}

export function clearSessionCookies(ctx: Context): void {
  const common = { path: '/', sameSite: 'lax' as const, secure: ctx.secure, expires: new Date(0), overwrite: true };
  ctx.cookies.set(SESSION_COOKIE, '', { ...common, httpOnly: true });
  ctx.cookies.set(CSRF_COOKIE, '', { ...common, httpOnly: false });
}

/** The session cookie's value, if the browser sent one. */
export function sessionCookie(ctx: Context): string | undefined {
  const v = ctx.cookies.get(SESSION_COOKIE);
  return v ? v : undefined;
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(header: string, expected: string): boolean {
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
