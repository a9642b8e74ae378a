import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config';
import { fixedClock, systemClock, type Clock } from '../../src/domain/clock';
import type { Role } from '../../src/domain/identity/actor';
import { systemActor } from '../../src/domain/identity/actor';
import type { DomainServices } from '../../src/domain/services';
import { makeLogger, type Logger } from '../../src/logger';
import { buildSystem, type System, type SystemOverrides } from '../../src/system';
import { openTestDb } from './test-db';

export const ADMIN = { username: 'admin', password: 'Desk2026test' };
const ROOT = join(__dirname, '../..');

/**
 * The environment every test system starts from: production defaults, quiet logs, a fixed secret,
 * a private Redis key prefix and the shared model cache (the corpus is trained once per change,
 * not once per test file). `env` adds what a test needs (WeCom settings, ALERTS_TOKEN …).
 */
export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    AUTH_SECRET: 'test-secret-test-secret-test-secret-0123',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    REDIS_PREFIX: `t${randomBytes(5).toString('hex')}`,
    KB_DIR: join(ROOT, 'knowledge-base'),
    NLP_MODEL_DIR: join(ROOT, 'node_modules/.cache/fbd-nlp-models'),
    ...env,
  });
}

export interface TestApp {
  system: System;
  ds: DataSource;
  clock: ReturnType<typeof fixedClock>;
  services: DomainServices;
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

/**
 * Starts the real system (buildSystem, as `npm start` does) on port 0 over a fresh database, with
 * a settable clock. Jobs start only when asked (`jobs`; runWorkers false = an HTTP-only process).
 */
export async function startTestApp(
  opts: {
    now?: string;
    env?: Record<string, string>;
    overrides?: Omit<SystemOverrides, 'clock' | 'database'>;
    jobs?: Parameters<System['startJobs']>[0];
    /** Where the system logs (default: nowhere). */
    logger?: Logger;
  } = {},
): Promise<TestApp> {
  const db = await openTestDb();
  const clock = fixedClock(opts.now ?? '2026-03-02T02:00:00Z');
  const system = await buildSystem(testConfig(opts.env), opts.logger ?? makeLogger('silent'), {
    ...opts.overrides,
    clock,
    database: db.ds,
  });
  if (opts.jobs) system.startJobs(opts.jobs);
  const port = await system.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;

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
    await system.services.users.create(systemActor, {
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
    system,
    ds: db.ds,
    clock,
    services: system.services,
    baseUrl,
    adminToken,
    call,
    login,
    userToken,
    close: async () => {
      await system.close();
      await db.close();
    },
  };
}

/** The system without HTTP over a fresh database (services, jobs and the bot through the production wiring). */
export async function startTestSystem(
  opts: { now?: string; realTime?: boolean; env?: Record<string, string>; overrides?: Omit<SystemOverrides, 'clock' | 'database'> } = {},
): Promise<{ system: System; ds: DataSource; clock: Clock; services: DomainServices; close(): Promise<void> }> {
  const db = await openTestDb();
  // Jobs that wait for back-off and retries need time that passes: `realTime` gives the system clock.
  const clock = opts.realTime ? systemClock : fixedClock(opts.now ?? '2026-03-02T02:00:00Z');
  const system = await buildSystem(testConfig(opts.env), makeLogger('silent'), { ...opts.overrides, clock, database: db.ds });
  return {
    system,
    ds: db.ds,
    clock,
    services: system.services,
    close: async () => {
      await system.close();
      await db.close();
    },
  };
}

/** The system over a database the test opened itself (it stays open): the production wiring, no first admin. */
export function systemOver(ds: DataSource, clock: Clock, env: Record<string, string> = {}): Promise<System> {
  return buildSystem(testConfig({ ADMIN_USERNAME: '', ADMIN_PASSWORD: '', ...env }), makeLogger('silent'), { clock, database: ds });
}
