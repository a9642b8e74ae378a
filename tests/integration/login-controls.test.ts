import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/domain/identity/login-throttle.entity';
import { OutboxMessage } from '../../src/domain/outbox/outbox-message.entity';
import { User } from '../../src/domain/identity/user.entity';
import { startTestApp, type TestApp } from '../helpers/test-app';

const SECRET = 'test-secret-test-secret-test-secret-0123';
const login = (t: TestApp, username: string, password: string, headers: Record<string, string> = {}) =>
  t.call('POST', '/api/v1/auth/login', { body: { username, password }, headers });

describe('login that holds: lockout under a burst, one answer for every refusal', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A generous per-address limit: this part is about the per-account lock.
    t = await startTestApp({ env: { LOGIN_MAX_PER_ADDRESS: '1000' } });
    await t.userToken('operator', { username: 'burst' });
    await t.userToken('operator', { username: 'sleepy' });
  });
  afterAll(() => t?.close());

  it('when 50 wrong passwords arrive at once, then at most 5 are checked and the right password is refused until the lock lapses', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => login(t, 'burst', `Wrong-guess-${i}`)));
    expect(answers.every((a) => a.status === 401 && a.body.error.reason === 'LOGIN_FAILED')).toBe(true);
    const u = await t.ds.getRepository(User).findOneByOrFail({ username: 'burst' });
    // Every check first takes a slot in one UPDATE; the fifth slot locks the account.
    expect(u.failedLogins).toBe(5);
    expect(u.lockedUntil!.getTime()).toBe(t.clock.now().getTime() + 15 * 60_000);
    expect((await login(t, 'burst', 'Passw0rd123')).status).toBe(401);
    t.clock.advance(15 * 60_000 + 1000);
    try {
      expect((await login(t, 'burst', 'Passw0rd123')).status).toBe(200);
      expect(await t.ds.getRepository(User).findOneByOrFail({ username: 'burst' })).toMatchObject({ failedLogins: 0, lockedUntil: null });
    } finally {
      t.clock.advance(-(15 * 60_000 + 1000));
    }
  });

  it('when the name is unknown, the password wrong, the account locked or inactive, then the answer is the same', async () => {
    const wrong = await login(t, 'sleepy', 'Wrong-guess-0');
    const unknown = await login(t, 'nobody-here', 'Wrong-guess-0');
    for (let i = 0; i < 5; i++) await login(t, 'sleepy', `Wrong-guess-${i}`);
    const locked = await login(t, 'sleepy', 'Passw0rd123');
    const id = (await t.ds.getRepository(User).findOneByOrFail({ username: 'sleepy' })).id;
    expect((await t.call('PATCH', `/api/v1/users/${id}`, { token: t.adminToken, body: { active: false } })).status).toBe(200);
    const inactive = await login(t, 'sleepy', 'Passw0rd123');
    for (const r of [unknown, locked, inactive]) {
      expect(r.status).toBe(wrong.status);
      expect(r.body).toEqual(wrong.body);
    }
  });
});

// Every test app has already logged its admin in from 127.0.0.1: one attempt of the address's allowance.
describe('login attempts per client address', () => {
  it('when an address exceeds LOGIN_MAX_PER_ADDRESS, then 429 until the window passes; X-Forwarded-For is ignored without TRUST_PROXY', async () => {
    const t = await startTestApp({ env: { LOGIN_MAX_PER_ADDRESS: '4', LOGIN_WINDOW_S: '600' } });
    try {
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
        expect((await login(t, 'nobody', 'Wrong-guess-0', { 'x-forwarded-for': ip })).status).toBe(401);
      }
      const refused = await login(t, 'admin', 'Desk2026test', { 'x-forwarded-for': '10.0.0.4' });
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED' });
      expect(refused.body.error.message).toMatch(/分钟后再试/);
    } finally {
      await t.close();
    }
  });

  it('when TRUST_PROXY=1, then each forwarded client address has its own count', async () => {
    const t = await startTestApp({ env: { LOGIN_MAX_PER_ADDRESS: '2', TRUST_PROXY: '1' } });
    try {
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) {
        expect((await login(t, 'nobody', 'Wrong-guess-0', { 'x-forwarded-for': ip })).status).toBe(401);
      }
      expect((await login(t, 'nobody', 'Wrong-guess-0', { 'x-forwarded-for': '10.0.0.1' })).status).toBe(401);
      expect((await login(t, 'nobody', 'Wrong-guess-0', { 'x-forwarded-for': '10.0.0.1' })).status).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('when Redis is down, then the database counts and the limit still holds', async () => {
    const t = await startTestApp({ env: { LOGIN_MAX_PER_ADDRESS: '3' }, overrides: { redisUrl: 'redis://127.0.0.1:1' } });
    try {
      expect((await login(t, 'nobody', 'Wrong-guess-0')).status).toBe(401);
      expect((await login(t, 'nobody', 'Wrong-guess-0')).status).toBe(401);
      expect((await login(t, 'admin', 'Desk2026test')).status).toBe(429);
      expect(await t.ds.getRepository(LoginThrottle).find()).toEqual([expect.objectContaining({ count: 4 })]);
    } finally {
      await t.close();
    }
  });
});

describe('the locked user is told through WeCom', () => {
  let t: TestApp;
  const WECOM = { WECOM_CORP_ID: 'wwlockcorp', WECOM_SECRET: 'lock-secret', WECOM_AGENT_ID: '1000002' };
  const toUser = async (app: TestApp, wecomUserId: string) =>
    (await app.ds.getRepository(OutboxMessage).find({ order: { id: 'ASC' } })).filter(
      (o) => 'toUsers' in o.message && o.message.toUsers.includes(wecomUserId),
    );
  beforeAll(async () => {
    // The app channel is configured; nothing drains the outbox here (no jobs).
    t = await startTestApp({ env: { LOGIN_MAX_PER_ADDRESS: '1000', ...WECOM } });
    await t.userToken('operator', { username: 'locky', wecomUserId: 'locky-wx' });
    await t.userToken('operator', { username: 'crowd', wecomUserId: 'crowd-wx' });
    await t.userToken('operator', { username: 'nowx' });
  });
  afterAll(() => t?.close());

  it('when the fifth wrong password locks an account, then exactly one app message tells its owner; the sixth attempt adds none', async () => {
    for (let i = 0; i < 4; i++) expect((await login(t, 'locky', `Wrong-guess-${i}`)).status).toBe(401);
    expect(await toUser(t, 'locky-wx')).toHaveLength(0);
    expect((await login(t, 'locky', 'Wrong-guess-4')).status).toBe(401);
    const sent = await toUser(t, 'locky-wx');
    expect(sent).toHaveLength(1);
    // 02:00Z is 10:00 in Shanghai; the lock lasts 15 minutes.
    expect(sent[0].message).toEqual({
      channel: 'app',
      toUsers: ['locky-wx'],
      kind: 'text',
      content: '您的账号（locky）因连续 5 次密码错误已锁定至 10:15；如非本人操作，请联系管理员。',
    });
    expect(sent[0].status).toBe('pending');
    expect((await login(t, 'locky', 'Wrong-guess-5')).status).toBe(401);
    expect((await login(t, 'locky', 'Passw0rd123')).status).toBe(401);
    expect(await toUser(t, 'locky-wx')).toHaveLength(1);
  });

  it('when a burst of wrong passwords locks an account, then its owner still gets one message', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => login(t, 'crowd', `Wrong-guess-${i}`)));
    expect((await t.ds.getRepository(User).findOneByOrFail({ username: 'crowd' })).lockedUntil).not.toBeNull();
    expect(await toUser(t, 'crowd-wx')).toHaveLength(1);
  });

  it('when a user without a WeCom id is locked, then no message is queued', async () => {
    const before = await t.ds.getRepository(OutboxMessage).count();
    for (let i = 0; i < 6; i++) await login(t, 'nowx', `Wrong-guess-${i}`);
    expect((await t.ds.getRepository(User).findOneByOrFail({ username: 'nowx' })).lockedUntil).not.toBeNull();
    expect(await t.ds.getRepository(OutboxMessage).count()).toBe(before);
  });

  it('when the WeCom app channel is off, then a lock queues nothing (it would arrive long after the lock)', async () => {
    const off = await startTestApp({ env: { LOGIN_MAX_PER_ADDRESS: '1000' } });
    try {
      await off.userToken('operator', { username: 'offline', wecomUserId: 'offline-wx' });
      for (let i = 0; i < 5; i++) await login(off, 'offline', `Wrong-guess-${i}`);
      expect((await off.ds.getRepository(User).findOneByOrFail({ username: 'offline' })).lockedUntil).not.toBeNull();
      expect(await off.ds.getRepository(OutboxMessage).count()).toBe(0);
    } finally {
      await off.close();
    }
  });
});

describe('tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());
  const forge = async (claims: { sub: string; exp?: boolean; ver?: number }) => {
    const iat = Math.floor(t.clock.now().getTime() / 1000);
    const jwt = new SignJWT({ ver: claims.ver ?? 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(claims.sub).setIssuedAt(iat);
    jwt.setIssuer('fiscal-bill-desk');
    if (claims.exp !== false) jwt.setExpirationTime(iat + 600);
    return jwt.sign(new TextEncoder().encode(SECRET));
  };

  it('when a token has no exp, a sub that is not a plain decimal id, or an old version, then 401', async () => {
    expect((await t.call('GET', '/api/v1/me', { token: await forge({ sub: '1' }) })).status).toBe(200);
    for (const bad of [{ sub: '1', exp: false }, { sub: '1e0' }, { sub: ' 1' }, { sub: '01' }, { sub: '1', ver: 7 }]) {
      const r = await t.call('GET', '/api/v1/me', { token: await forge(bad) });
      expect(r.status, JSON.stringify(bad)).toBe(401);
      expect(r.body.error.reason).toBe('TOKEN_INVALID');
    }
  });
});

describe('headers, /docs and /metrics', () => {
  let t: TestApp;
  const METRICS_TOKEN = 'scraper-token-0123456789-abcdef';
  beforeAll(async () => {
    t = await startTestApp({ env: { METRICS_TOKEN } });
  });
  afterAll(() => t?.close());

  it('when any response goes out, then it carries nosniff, no referrer and frame-ancestors none', async () => {
    for (const path of ['/health', '/api/v1/openapi.json', '/api/v1/me', '/docs', '/no-such-path']) {
      const r = await t.call('GET', path);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(r.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });

  it('when /docs is opened, then its policy lets Swagger UI run from this origin only and the token is not kept', async () => {
    const page = await t.call('GET', '/docs');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/); // no inline script: every <script> has a src
    for (const src of page.text.match(/src="([^"]+)"/g)!.map((m) => m.slice(5, -1))) expect((await t.call('GET', src)).status).toBe(200);
    expect((await t.call('GET', '/docs/init.js')).text).toContain('persistAuthorization: false');
  });

  it('when /metrics is asked without the METRICS_TOKEN, then 401; with it, the Prometheus text', async () => {
    expect((await t.call('GET', '/metrics')).status).toBe(401);
    expect((await t.call('GET', '/metrics', { token: 'not-the-token-0123456789' })).status).toBe(401);
    const r = await t.call('GET', '/metrics', { token: METRICS_TOKEN });
    expect(r.status).toBe(200);
    expect(r.text).toContain('process_cpu_user_seconds_total');
  });

  it('when no METRICS_TOKEN is configured, then /metrics is not served', async () => {
    const plain = await startTestApp();
    try {
      const r = await plain.call('GET', '/metrics');
      expect(r.status).toBe(404);
      expect(r.body.error.reason).toBe('FEATURE_DISABLED');
    } finally {
      await plain.close();
    }
  });
});

describe('text and dates at the edge', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('when a body, query or login carries NUL, another control character or a lone surrogate, then 400 naming the field and nothing is stored', async () => {
    for (const name of ['市第\u0000一中学', '市第一中学\u0007', '市\uD800一中', 'a\uDC00b']) {
      const r = await t.call('POST', '/api/v1/units', { token: t.adminToken, body: { code: 'U9', name } });
      expect(r.status, JSON.stringify(name)).toBe(400);
      expect(r.body.error.details[0].path).toBe('name');
    }
    expect((await t.call('GET', '/api/v1/units/U9', { token: t.adminToken })).status).toBe(404);
    const tabs = await t.call('POST', '/api/v1/units', { token: t.adminToken, body: { code: 'U8', name: '市第一\t中学\r\n' } });
    expect(tabs.status).toBe(201);
    expect((await t.call('GET', '/api/v1/units?q=%00', { token: t.adminToken })).status).toBe(400);
    const nul = await t.call('POST', '/api/v1/auth/login', { body: { username: 'ad\u0000min', password: 'x' } });
    expect(nul.status).toBe(400);
    expect(nul.body.error.details[0].path).toBe('username');
  });

  it('when a date does not exist, then 400 (not 500)', async () => {
    for (const q of ['from=9999-99-99', 'to=2026-02-30', 'from=2026-13-01']) {
      const r = await t.call('GET', `/api/v1/warehouse/receipts?${q}`, { token: t.adminToken });
      expect(r.status, q).toBe(400);
      expect(r.body.error.reason).toBe('INVALID_INPUT');
    }
  });
});
