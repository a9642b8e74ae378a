import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { buildApp } from '../../src/api/app';
import type { ApiPlugin } from '../../src/api/deps';
import { makeTokenService } from '../../src/api/auth/token';
import { fixedClock } from '../../src/domain/clock';
import type { Role } from '../../src/domain/identity/actor';
import { systemActor } from '../../src/domain/identity/actor';
import { makeDomainServices } from '../../src/domain/services';
import { makeLogger } from '../../src/logger';
import { openTestDb } from './test-db';

export const ADMIN = { username: 'admin', password: 'Admin12345' };

export interface TestApp {
  ds: DataSource;
  clock: ReturnType<typeof fixedClock>;
  services: ReturnType<typeof makeDomainServices>;
  baseUrl: string;
  adminToken: string;
  /** JSON call; returns status, parsed body and headers. */
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  login(username: string, password: string): Promise<string>;
  /** Creates a user with a password and returns a token for them. */
  userToken(role: Role, opts?: { unitCode?: string; username?: string; wecomUserId?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Starts the real app on port 0 over a fresh database, with a settable clock. */
export async function startTestApp(opts: { now?: string; plugins?: ApiPlugin[]; metrics?: Registry } = {}): Promise<TestApp> {
  const db = await openTestDb();
  const clock = fixedClock(opts.now ?? '2026-03-02T02:00:00Z');
  const services = makeDomainServices({ ds: db.ds, clock });
  await services.users.ensureAdmin(ADMIN.username, ADMIN.password);
  const tokens = makeTokenService('test-secret-test-secret-test-secret-0123', 3600, clock);
  const app = buildApp({
    ds: db.ds,
    logger: makeLogger('silent'),
    clock,
    tokens,
    metrics: opts.metrics ?? new Registry(),
    services,
    plugins: opts.plugins,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call: TestApp['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined;
    if (o.raw !== undefined) body = o.raw;
    else if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON (xlsx, csv, html) */
    }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const login = async (username: string, password: string) => {
    const r = await call('POST', '/api/v1/auth/login', { body: { username, password } });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
    return r.body.token as string;
  };
  const adminToken = await login(ADMIN.username, ADMIN.password);
  let n = 0;
  const userToken: TestApp['userToken'] = async (role, u = {}) => {
    const username = u.username ?? `${role}${++n}`;
    await services.users.create(systemActor, {
      username,
      name: username,
      role,
      unitCode: u.unitCode,
      wecomUserId: u.wecomUserId,
      password: 'Passw0rd123',
    });
    return login(username, 'Passw0rd123');
  };
  return {
    ds: db.ds,
    clock,
    services,
    baseUrl,
    adminToken,
    call,
    login,
    userToken,
    close: async () => {
      await new Promise((r) => server.close(r));
      await db.close();
    },
  };
}
