// Who is signed in, for both entries. The server is the authority: the pages only ask GET /me what to
// show, and every action is checked again by the API.
import { reactive } from 'vue';
import { ApiError, api, type ResponseOf } from './http';

export type Me = ResponseOf<'/api/v1/me', 'get'>;
export type Role = Me['user']['role'];
/** A permission name of the server's PERMISSIONS table (a renamed one fails the type-check). */
export type Permission = Me['permissions'][number];

export const session = reactive<{ me: Me | null; loaded: boolean }>({ me: null, loaded: false });

/** GET /me; null without a (valid) session. Other failures are thrown. */
export async function loadMe(): Promise<Me | null> {
  try {
    session.me = await api.get('/api/v1/me', { quiet: true, anonymous: true });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e;
    session.me = null;
  }
  session.loaded = true;
  return session.me;
}

/** The login form: the server sets the session cookie (HttpOnly) and the CSRF cookie. */
export async function login(username: string, password: string): Promise<Me | null> {
  await api.post('/api/v1/auth/session', { body: { username, password }, quiet: true, anonymous: true });
  return loadMe();
}

export async function logout(): Promise<void> {
  try {
    await api.delete('/api/v1/auth/session', { quiet: true, anonymous: true });
  } finally {
    session.me = null;
  }
}

export function can(permission: Permission): boolean {
  return session.me?.permissions.includes(permission) ?? false;
}

/** WeCom's in-app browser: its user agent contains `wxwork`. */
export function inWeCom(): boolean {
  return /wxwork/i.test(navigator.userAgent);
}

/**
 * The page to return to after login: a path of this entry only (`/m/…` or `/console/…`), never another
 * origin (`//evil`, `/\evil`, `https:`), so a crafted link cannot send a signed-in user elsewhere.
 */
export function safeNext(next: unknown, prefix: '/m/' | '/console/'): string | null {
  if (typeof next !== 'string' || !next.startsWith(prefix)) return null;
  if (/[\\\s]|\/\/|%2f%2f|%5c/i.test(next)) return null;
  return next;
}
