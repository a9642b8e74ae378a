import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WecomApiError } from '../../src/bot/channels/wecom/api';
import { makeWecomClient } from '../../src/bot/channels/wecom/client';
import { startFakeWecom, type FakeWecom } from '../../tools/fake-wecom/fake-server';

const corp = { corpId: 'wwoauthcorp', corpSecret: 'oauth-secret-value-42', agentId: '1000005' };
let fake: FakeWecom;
let nowMs = Date.parse('2026-03-02T02:00:00Z');

const authorizeUrl = (q: Record<string, string>) => `${fake.url}/connect/oauth2/authorize?${new URLSearchParams(q).toString()}`;
const good = (extra: Record<string, string> = {}) => ({
  appid: corp.corpId,
  redirect_uri: 'http://127.0.0.1:9/m/auth/wecom/callback',
  response_type: 'code',
  scope: 'snsapi_base',
  state: 'st4te',
  agentid: corp.agentId,
  ...extra,
});

/** Follows the authorise page for a member; returns the code and state it redirected with. */
async function codeFor(as: string, q = good()): Promise<{ code: string; state: string; location: URL }> {
  const r = await fetch(authorizeUrl({ ...q, as }), { redirect: 'manual' });
  expect(r.status).toBe(302);
  const location = new URL(r.headers.get('location')!);
  return { code: location.searchParams.get('code')!, state: location.searchParams.get('state')!, location };
}

async function token(): Promise<string> {
  const r = await fetch(`${fake.url}/cgi-bin/gettoken?corpid=${corp.corpId}&corpsecret=${corp.corpSecret}`);
  return ((await r.json()) as { access_token: string }).access_token;
}

async function userinfo(code: string, accessToken?: string) {
  const r = await fetch(`${fake.url}/cgi-bin/auth/getuserinfo?access_token=${accessToken ?? (await token())}&code=${code}`);
  return (await r.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  fake = await startFakeWecom({ ...corp, robotKeys: [], members: ['zhanggong', 'wangfang'], now: () => nowMs });
});
afterAll(async () => fake.stop());

describe('fake WeCom web authorisation', () => {
  it('when the link is right and a member is chosen, then it redirects to redirect_uri with a code and the same state', async () => {
    const { code, state, location } = await codeFor('zhanggong');
    expect(location.origin + location.pathname).toBe('http://127.0.0.1:9/m/auth/wecom/callback');
    expect(state).toBe('st4te');
    expect(code.length).toBeGreaterThan(10);
    expect(code.length).toBeLessThanOrEqual(512);
  });

  it('when appid, scope, response_type, agentid or redirect_uri is wrong, then no redirect and the error is shown', async () => {
    const bads: Record<string, string>[] = [
      { appid: 'wwother' },
      { scope: 'snsapi_userinfo' },
      { response_type: 'token' },
      { agentid: '999' },
      { redirect_uri: 'javascript:alert(1)' },
    ];
    for (const bad of bads) {
      const r = await fetch(authorizeUrl({ ...good(bad), as: 'zhanggong' }), { redirect: 'manual' });
      expect(r.status, JSON.stringify(bad)).toBe(200);
      expect(r.headers.get('location')).toBeNull();
      expect(await r.text()).toMatch(/errcode \d+/);
    }
  });

  it('when no member is chosen, then a picker page links each member', async () => {
    const r = await fetch(authorizeUrl(good()));
    const html = await r.text();
    expect(r.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('zhanggong');
    expect(html).toContain('wangfang');
    expect(html).toContain('as=zhanggong');
  });

  it('when a code is exchanged, then getuserinfo answers the userid once and 40029 after', async () => {
    const { code } = await codeFor('wangfang');
    expect(await userinfo(code)).toEqual({ errcode: 0, errmsg: 'ok', userid: 'wangfang' });
    expect(await userinfo(code)).toMatchObject({ errcode: 40029 });
  });

  it('when a code is older than 5 minutes or made up, then 40029', async () => {
    const { code } = await codeFor('zhanggong');
    nowMs += 5 * 60 * 1000 + 1;
    const accessToken = await token();
    expect(await userinfo(code, accessToken)).toMatchObject({ errcode: 40029, errmsg: 'invalid code' });
    expect(await userinfo('made-up-code', accessToken)).toMatchObject({ errcode: 40029 });
  });

  it('when the access token is missing or unknown, then 41001 / 40014 and the code is not spent by a bad token', async () => {
    const { code } = await codeFor('zhanggong');
    expect(await (await fetch(`${fake.url}/cgi-bin/auth/getuserinfo?code=${code}`)).json()).toMatchObject({ errcode: 41001 });
    expect(await userinfo(code, 'not-a-token')).toMatchObject({ errcode: 40014 });
    expect(await userinfo(code)).toMatchObject({ errcode: 0, userid: 'zhanggong' });
  });

  it('when someone outside the corp is chosen, then getuserinfo answers an openid and no userid', async () => {
    const { code } = await codeFor('outsider');
    const info = await userinfo(code);
    expect(info).toMatchObject({ errcode: 0 });
    expect(info.userid).toBeUndefined();
    expect(String(info.openid)).toMatch(/^o/);
  });

  it('when the app client exchanges codes, then it gets the member, an openid, or a 40029 error', async () => {
    const client = makeWecomClient({
      apiBase: fake.url,
      ...corp,
      logger: pino({ level: 'silent' }),
      clock: { now: () => new Date(nowMs) },
    });
    const member = await codeFor('zhanggong');
    expect(await client.userForOAuthCode(member.code)).toEqual({ userid: 'zhanggong' });
    const err = await client.userForOAuthCode(member.code).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomApiError);
    expect((err as WecomApiError).errcode).toBe(40029);
    const outsider = await codeFor('outsider');
    expect(await client.userForOAuthCode(outsider.code)).toHaveProperty('openid');
  });
});
