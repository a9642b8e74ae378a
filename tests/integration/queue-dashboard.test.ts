import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_COOKIE } from '../../src/api/dashboard';
import type { Queues } from '../../src/jobs/queues';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('Bull dashboard at /admin/queues', () => {
  let t: TestApp;
  let queues: { queues: Queues };
  let operator: string;

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${t.baseUrl}${path}`, { method, headers, redirect: 'manual' });
  const session = async (token: string) => {
    const r = await fetch(`${t.baseUrl}/api/v1/auth/dashboard-session`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, body: (await r.json()) as { url: string; expiresAt: string }, setCookie: r.headers.get('set-cookie') ?? '' };
  };

  beforeAll(async () => {
    // An HTTP-only app process: its queues exist (and the dashboard shows them), nothing processes them.
    t = await startTestApp({ jobs: { runWorkers: false } });
    queues = t.system.jobs!;
    await queues.queues.notifications.add({ outboxId: 1 }, { jobId: 'outbox-1', delay: 60_000 });
    operator = await t.userToken('operator');
  });
  afterAll(async () => {
    await queues?.queues.notifications.obliterate({ force: true });
    await t?.close();
  });

  it('when nobody signed in or a non-admin asks, then the dashboard is refused', async () => {
    const anon = await get('/admin/queues');
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { message: string } }).error.message).toContain('dashboard-session');
    expect((await get('/admin/queues/api/queues')).status).toBe(401);
    expect((await get('/admin/queues', { authorization: `Bearer ${operator}` })).status).toBe(403);
    expect((await session(operator)).status).toBe(403);
  });

  it('when an admin sends the bearer token, then the page and its API answer with every queue', async () => {
    const auth = { authorization: `Bearer ${t.adminToken}` };
    const page = await get('/admin/queues', auth);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await get('/admin/queues/api/queues', auth);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string; counts: Record<string, number> }> };
    expect(body.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'announcements',
      'inspections',
      'monitoring',
      'notifications',
      'sla',
      'summaries',
      'visits',
    ]);
    expect(body.queues.find((q) => q.name === 'notifications')?.counts.delayed).toBe(1);
  });

  it('when an admin opens a dashboard session, then a short-lived HttpOnly, SameSite=Strict cookie opens the dashboard and nothing else', async () => {
    const s = await session(t.adminToken);
    expect(s.status).toBe(200);
    expect(s.body.url).toBe('/admin/queues');
    expect(s.setCookie).toMatch(new RegExp(`^${DASHBOARD_COOKIE}=`));
    expect(s.setCookie.toLowerCase()).toContain('httponly');
    expect(s.setCookie.toLowerCase()).toContain('samesite=strict');
    expect(s.setCookie).toContain('path=/admin/queues');
    expect(new Date(s.body.expiresAt).getTime() - t.clock.now().getTime()).toBe(15 * 60_000);
    const cookie = s.setCookie.split(';')[0];
    expect((await get('/admin/queues/api/queues', { cookie })).status).toBe(200);
    // The cookie is not an API token, and an API token is not a cookie.
    expect((await get('/api/v1/users', { authorization: `Bearer ${cookie.split('=')[1]}` })).status).toBe(401);
    expect((await get('/admin/queues/api/queues', { cookie: `${DASHBOARD_COOKIE}=${t.adminToken}` })).status).toBe(401);
    // A state-changing call carried by the cookie from another site is refused before it reaches Bull.
    const foreign = await get('/admin/queues/api/queues/notifications/clean/delayed', { cookie, origin: 'https://evil.example' }, 'PUT');
    expect(foreign.status).toBe(403);
    expect(await queues.queues.notifications.getDelayedCount()).toBe(1);
    const own = await get('/admin/queues/api/queues/notifications/pause', { cookie, origin: t.baseUrl }, 'PUT');
    expect(own.status).toBe(200);
    expect(await queues.queues.notifications.isPaused()).toBe(true);

    t.clock.advance(16 * 60_000);
    expect((await get('/admin/queues/api/queues', { cookie })).status).toBe(401);
  });
});
