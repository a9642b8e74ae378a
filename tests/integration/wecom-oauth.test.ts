import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeMobilePath } from '../../src/api/web/wecom-oauth';
import { systemActor } from '../../src/domain/identity/actor';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { cookieHeader, fakeWebBuild, setCookies, WXWORK_UA } from '../helpers/web-build';

const corp = { corpId: 'wwwebcorp001', corpSecret: 'web-oauth-secret-0042', agentId: '1000009' };

describe('WeCom web authorisation of the mobile pages', () => {
  let t: TestApp;
  let fake: FakeWecom;
  let webDir: string;

  beforeAll(async () => {
    webDir = fakeWebBuild();
    fake = await startFakeWecom({ ...corp, robotKeys: [], members: ['zhanggong', 'wangfang', 'stranger', 'gone'] });
    t = await startTestApp({
      env: {
        WEB_DIR: webDir,
        WECOM_CORP_ID: corp.corpId,
        WECOM_SECRET: corp.corpSecret,
        WECOM_AGENT_ID: corp.agentId,
        WECOM_API_BASE: fake.url,
        WECOM_OAUTH_BASE: fake.url,
      },
    });
    const users = t.services.users;
    await users.create(systemActor, {
      username: 'zhanggong',
      name: '张建国',
      role: 'engineer',
      wecomUserId: 'zhanggong',
      password: 'Passw0rd123',
    });
    await users.create(systemActor, { username: 'gone', name: '离职', role: 'engineer', wecomUserId: 'gone', password: 'Passw0rd123' });
    const gone = (await t.call('GET', '/api/v1/users?pageSize=200', { token: t.adminToken })).body.items.find(
      (u: any) => u.username === 'gone',
    );
    expect((await t.call('PATCH', `/api/v1/users/${gone.id}`, { token: t.adminToken, body: { active: false } })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    rmSync(webDir, { recursive: true, force: true });
  });

  const get = (path: string, cookie = '', ua = WXWORK_UA) =>
    fetch(path.startsWith('http') ? path : t.baseUrl + path, { headers: { 'user-agent': ua, cookie }, redirect: 'manual' });

  /** A page request from WeCom's browser, through the fake authorise page as `as`, up to our callback (not yet followed). */
  async function authorise(page: string, as: string) {
    const first = await get(page);
    expect(first.status).toBe(302);
    const authorizeUrl = first.headers.get('location')!;
    const stateCookie = cookieHeader(setCookies(first.headers));
    const atWecom = await get(`${authorizeUrl.replace('#wechat_redirect', '')}&as=${as}`);
    expect(atWecom.status).toBe(302);
    return { authorizeUrl, stateCookie, callbackUrl: atWecom.headers.get('location')! };
  }

  it('when WeCom’s browser asks for a page without a session, then it is sent to the authorise page with our callback, scope and a state', async () => {
    const r = await get('/m/tickets?tab=mine');
    expect(r.status).toBe(302);
    const location = r.headers.get('location')!;
    expect(location.endsWith('#wechat_redirect')).toBe(true);
    const url = new URL(location.replace('#wechat_redirect', ''));
    expect(url.origin + url.pathname).toBe(`${fake.url}/connect/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      appid: corp.corpId,
      redirect_uri: `${t.baseUrl}/m/auth/wecom/callback`,
      response_type: 'code',
      scope: 'snsapi_base',
      agentid: corp.agentId,
    });
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(16);
    expect(r.headers.getSetCookie().find((c) => c.startsWith('fbd_oauth='))).toMatch(/httponly/i);
  });

  it('when another browser asks for the page, then it gets the page (the login form), not WeCom', async () => {
    const r = await get('/m/tickets', '', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0');
    expect(r.status).toBe(200);
  });

  it('when the member comes back with the code and state, then a session is set and the asked page opens', async () => {
    const { callbackUrl, stateCookie } = await authorise('/m/tickets?tab=mine', 'zhanggong');
    const back = await get(callbackUrl, stateCookie);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/m/tickets?tab=mine');
    const cookies = setCookies(back.headers);
    expect(cookies.get('fbd_session')).toBeTruthy();
    expect(cookies.get('fbd_oauth')).toBe(''); // the state is spent
    const me = await t.call('GET', '/api/v1/me', { headers: { cookie: cookieHeader(cookies) } });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: 'zhanggong', role: 'engineer' });
    // With the session, WeCom's browser gets the page directly.
    const page = await get('/m/tickets', cookieHeader(cookies));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>m</title>');
  });

  it('when the code is replayed, then it is refused with a Chinese page and no session', async () => {
    const { callbackUrl, stateCookie } = await authorise('/m/', 'zhanggong');
    expect((await get(callbackUrl, stateCookie)).status).toBe(302);
    const again = await get(callbackUrl, stateCookie);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('授权码无效或已使用');
    expect(setCookies(again.headers).get('fbd_session')).toBeUndefined();
  });

  it('when the state is wrong, missing, from another browser or too old, then refused and the code is not exchanged', async () => {
    const { callbackUrl, stateCookie } = await authorise('/m/', 'zhanggong');
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'forged-state-forged-state');
    const other = await authorise('/m/', 'zhanggong');
    for (const [url, cookie] of [
      [forged.toString(), stateCookie],
      [callbackUrl, ''],
      [callbackUrl, other.stateCookie],
      [callbackUrl, stateCookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    ]) {
      const r = await get(url, cookie);
      expect(r.status).toBe(400);
      expect(await r.text()).toContain('登录请求已失效');
      expect(setCookies(r.headers).get('fbd_session')).toBeUndefined();
    }
    // Nothing above spent the code: the genuine return still works.
    expect((await get(callbackUrl, stateCookie)).status).toBe(302);
    const late = await authorise('/m/', 'zhanggong');
    t.clock.advance(5 * 60 * 1000 + 1000);
    try {
      const r = await get(late.callbackUrl, late.stateCookie);
      expect(r.status).toBe(400);
      expect(await r.text()).toContain('登录请求已失效');
    } finally {
      t.clock.advance(-(5 * 60 * 1000 + 1000));
    }
  });

  it('when the person is not a member of the corp, then refused (openid)', async () => {
    const { callbackUrl, stateCookie } = await authorise('/m/', 'outsider');
    const r = await get(callbackUrl, stateCookie);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain('不是本单位企业微信的成员');
    expect(setCookies(r.headers).get('fbd_session')).toBeUndefined();
  });

  it('when the member has no account or a deactivated one, then refused with whom to ask', async () => {
    for (const as of ['stranger', 'gone']) {
      const { callbackUrl, stateCookie } = await authorise('/m/', as);
      const r = await get(callbackUrl, stateCookie);
      expect(r.status).toBe(403);
      expect(await r.text()).toContain('请联系财政局票据管理科');
      expect(setCookies(r.headers).get('fbd_session')).toBeUndefined();
    }
  });

  it('when the page to return to is another site or outside /m/, then the member lands on /m/', async () => {
    for (const next of [
      '//evil.example/m/',
      'https://evil.example/m/',
      '/\\evil.example',
      '/m//evil.example',
      '/api/v1/users',
      '/m/%2F%2Fevil.example',
    ]) {
      const start = await get(`/m/auth/wecom?next=${encodeURIComponent(next)}`);
      expect(start.status).toBe(302);
      const stateCookie = cookieHeader(setCookies(start.headers));
      const atWecom = await get(`${start.headers.get('location')!.replace('#wechat_redirect', '')}&as=zhanggong`);
      const back = await get(atWecom.headers.get('location')!, stateCookie);
      expect(back.headers.get('location'), next).toBe('/m/');
    }
    expect(safeMobilePath('/m/applications/12?x=1')).toBe('/m/applications/12?x=1');
    expect(safeMobilePath(undefined)).toBe('/m/');
  });

  it('when the session has expired inside WeCom, then the page request re-authorises (redirect again) and a fresh session replaces the old', async () => {
    const { callbackUrl, stateCookie } = await authorise('/m/', 'zhanggong');
    const old = setCookies((await get(callbackUrl, stateCookie)).headers);
    t.clock.advance(8 * 3600 * 1000 + 1000);
    try {
      expect((await t.call('GET', '/api/v1/me', { headers: { cookie: cookieHeader(old) } })).status).toBe(401);
      const again = await get('/m/tickets/5', cookieHeader(old));
      expect(again.status).toBe(302);
      expect(again.headers.get('location')).toContain('/connect/oauth2/authorize?');
      const stateCookie2 = cookieHeader(setCookies(again.headers));
      const atWecom = await get(`${again.headers.get('location')!.replace('#wechat_redirect', '')}&as=zhanggong`);
      const back = await get(atWecom.headers.get('location')!, stateCookie2);
      expect(back.headers.get('location')).toBe('/m/tickets/5');
      const fresh = setCookies(back.headers);
      expect(fresh.get('fbd_session')).not.toBe(old.get('fbd_session'));
      expect((await t.call('GET', '/api/v1/me', { headers: { cookie: cookieHeader(fresh) } })).status).toBe(200);
    } finally {
      t.clock.advance(-(8 * 3600 * 1000 + 1000));
    }
  });

  it('when the pages ask to re-authorise after a 401, then /m/auth/wecom starts the flow for the page named', async () => {
    const r = await get('/m/auth/wecom?next=%2Fm%2Fapplications%2F3');
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toContain('scope=snsapi_base');
  });
});
