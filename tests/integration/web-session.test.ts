import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '../../src/domain/identity/user.entity';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app';
import { fakeWebBuild, setCookies, WXWORK_UA } from '../helpers/web-build';

describe('workbench sessions and static pages', () => {
  let t: TestApp;
  let webDir: string;
  beforeAll(async () => {
    webDir = fakeWebBuild();
    t = await startTestApp({ env: { WEB_DIR: webDir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const cookieLogin = async (username = ADMIN.username, password = ADMIN.password) => {
    const r = await t.call('POST', '/api/v1/auth/session', { body: { username, password } });
    expect(r.status).toBe(200);
    const cookies = setCookies(r.headers);
    return { r, cookie: `fbd_session=${cookies.get('fbd_session')}; fbd_csrf=${cookies.get('fbd_csrf')}`, csrf: cookies.get('fbd_csrf')! };
  };

  it('when the login form is right, then an HttpOnly, SameSite=Lax session cookie of 8 hours and a readable CSRF cookie are set', async () => {
    const { r, csrf } = await cookieLogin();
    const raw = r.headers.getSetCookie();
    const session = raw.find((c) => c.startsWith('fbd_session='))!;
    expect(session).toMatch(/httponly/i);
    expect(session).toMatch(/samesite=lax/i);
    expect(session).toMatch(/path=\//i);
    expect(session).not.toMatch(/secure/i); // plain HTTP here; Secure over HTTPS
    const expires = new Date(/expires=([^;]+)/i.exec(session)![1]).getTime();
    expect(Math.abs(expires - Date.now() - 8 * 3600 * 1000)).toBeLessThan(5000);
    expect(raw.find((c) => c.startsWith('fbd_csrf='))).not.toMatch(/httponly/i);
    expect(r.body).toMatchObject({ user: { username: 'admin', role: 'admin' }, csrfToken: csrf });
    expect(r.text).not.toContain('token"'); // no bearer token in the body
  });

  it('when a login is repeated, then the session is rotated (a new cookie and CSRF token)', async () => {
    const a = await cookieLogin();
    const b = await cookieLogin();
    expect(a.cookie).not.toBe(b.cookie);
    expect(a.csrf).not.toBe(b.csrf);
  });

  it('when the login form is wrong, then 401 and no cookie', async () => {
    const r = await t.call('POST', '/api/v1/auth/session', { body: { username: 'admin', password: 'wrong-password' } });
    expect(r.status).toBe(401);
    expect(r.body.error.reason).toBe('LOGIN_FAILED');
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('when a cookie session reads, then GET /me answers without a CSRF token', async () => {
    const { cookie } = await cookieLogin();
    const r = await t.call('GET', '/api/v1/me', { headers: { cookie } });
    expect(r.status).toBe(200);
    expect(r.body.user.username).toBe('admin');
  });

  it('when a cookie session writes without the CSRF token or with another, then 403 CSRF_TOKEN_MISMATCH and nothing is created', async () => {
    const { cookie } = await cookieLogin();
    const { csrf: other } = await cookieLogin();
    const before = await t.ds.getRepository(User).count();
    const body = { username: 'csrfvictim', name: '测试', role: 'operator', password: 'Passw0rd123x' };
    const attempts: Record<string, string>[] = [{ cookie }, { cookie, 'x-csrf-token': other }, { cookie, 'x-csrf-token': '' }];
    for (const headers of attempts) {
      const r = await t.call('POST', '/api/v1/users', { headers, body });
      expect(r.status).toBe(403);
      expect(r.body.error.reason).toBe('CSRF_TOKEN_MISMATCH');
      expect(r.body.error.message).toContain('CSRF');
    }
    expect(await t.ds.getRepository(User).count()).toBe(before);
  });

  it('when a cookie session writes with its CSRF token, then the write is done', async () => {
    const { cookie, csrf } = await cookieLogin();
    const r = await t.call('POST', '/api/v1/users', {
      headers: { cookie, 'x-csrf-token': csrf },
      body: { username: 'cookieop', name: '科员', role: 'operator', password: 'Passw0rd123x' },
    });
    expect(r.status).toBe(201);
  });

  it('when a bearer token is sent, then no CSRF token is needed (API clients are unchanged)', async () => {
    const r = await t.call('POST', '/api/v1/users', {
      token: t.adminToken,
      body: { username: 'bearerop', name: '科员', role: 'operator', password: 'Passw0rd123x' },
    });
    expect(r.status).toBe(201);
  });

  it('when a bearer token is put in the session cookie, or the cookie is forged, then 401', async () => {
    for (const cookie of [`fbd_session=${t.adminToken}`, 'fbd_session=abc.def.ghi']) {
      const r = await t.call('GET', '/api/v1/me', { headers: { cookie } });
      expect(r.status).toBe(401);
      expect(r.body.error.reason).toBe('TOKEN_INVALID');
    }
  });

  it('when 8 hours have passed, then the cookie session no longer answers', async () => {
    const { cookie } = await cookieLogin();
    t.clock.advance(8 * 3600 * 1000 + 1000);
    try {
      expect((await t.call('GET', '/api/v1/me', { headers: { cookie } })).status).toBe(401);
    } finally {
      t.clock.advance(-(8 * 3600 * 1000 + 1000));
    }
  });

  it('when signing out, then both cookies are cleared', async () => {
    const { cookie } = await cookieLogin();
    const r = await t.call('DELETE', '/api/v1/auth/session', { headers: { cookie } });
    expect(r.status).toBe(204);
    const cleared = setCookies(r.headers);
    expect(cleared.get('fbd_session')).toBe('');
    expect(cleared.get('fbd_csrf')).toBe('');
  });

  it('when signing out sends a body, then 400 and the cookies stay', async () => {
    const { cookie } = await cookieLogin();
    const r = await t.call('DELETE', '/api/v1/auth/session', { headers: { cookie }, body: { all: true } });
    expect(r.status).toBe(400);
    expect(r.body.error.reason).toBe('INVALID_INPUT');
    expect(r.headers.getSetCookie()).toEqual([]);
  });

  it('when a hashed asset is asked for, then it is cached for a year as immutable', async () => {
    const r = await fetch(`${t.baseUrl}/assets/m-AbC123.js`);
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(r.headers.get('content-type')).toContain('javascript');
    expect(await r.text()).toBe("console.log('m')");
  });

  it('when a page under /m/ or /console/ is asked for, then that entry’s index.html, never cached, with a policy allowing its own scripts', async () => {
    for (const [path, entry] of [
      ['/m/', 'm'],
      ['/m/tickets/12', 'm'],
      ['/console/', 'console'],
      ['/console/approvals', 'console'],
      ['/console/login?redirect=%2Fconsole%2Fusers', 'console'],
    ]) {
      const r = await fetch(t.baseUrl + path);
      expect(r.status, path).toBe(200);
      expect(await r.text()).toContain(`<title>${entry}</title>`);
      expect(r.headers.get('cache-control')).toBe('no-cache');
      const csp = r.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).not.toMatch(/https?:/); // no CDN
    }
  });

  it('when a missing asset or a file-like path is asked for, then 404, not the page', async () => {
    for (const path of ['/assets/m-Missing.js', '/m/favicon.ico', '/console/app.js', '/assets/m-AbC123.js.map']) {
      const r = await fetch(t.baseUrl + path);
      expect(r.status, path).toBe(404);
      expect(await r.text()).not.toContain('<title>');
    }
  });

  it('when / is opened, then the browser is sent to the console login; /health, /docs and /api keep working', async () => {
    const r = await fetch(`${t.baseUrl}/`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/console/login');
    expect((await fetch(`${t.baseUrl}/m`, { redirect: 'manual' })).headers.get('location')).toBe('/m/');
    expect((await fetch(`${t.baseUrl}/health`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/docs`)).status).toBe(200);
    expect((await t.call('GET', '/api/v1/me', { token: t.adminToken })).status).toBe(200);
    expect((await t.call('GET', '/api/v1/nothing-here', { token: t.adminToken })).status).toBe(404);
  });

  it('when WeCom is not configured, then WeCom’s browser gets the page (password login) and the authorise path explains itself', async () => {
    const page = await fetch(`${t.baseUrl}/m/tickets`, { headers: { 'user-agent': WXWORK_UA }, redirect: 'manual' });
    expect(page.status).toBe(200);
    const start = await fetch(`${t.baseUrl}/m/auth/wecom?next=/m/`, { headers: { 'user-agent': WXWORK_UA }, redirect: 'manual' });
    expect(start.status).toBe(404);
    expect(await start.text()).toContain('未启用企业微信登录');
  });
});
