import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import type { FakeWecom } from '../fake-wecom/fake-server';
import { openDatabase } from '../../src/domain/db/data-source';

/** The repository root (also when this file runs compiled under dist/ for the benchmark). */
export const ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
export const CORP = { corpId: 'wwreliable01', corpSecret: 'reliability-secret', agentId: '1000002' };
export const ROBOT_KEY = 'ops-robot-key';
export const ADMIN = { username: 'admin', password: 'Desk2026test' };
export const ALERTS_TOKEN = 'alerts-token-for-reliability-tests';

/** A TCP port free right now on loopback (for processes told their port in the environment). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** Polls until `cond` holds; throws naming `what` after `ms`. */
export async function until(cond: () => Promise<boolean> | boolean, ms: number, what: string, everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A database of the caller's own that several processes can open: on the PostgreSQL server of
 * `baseUrl` a fresh database (CREATE DATABASE, dropped afterwards); for any other `baseUrl` a SQLite
 * file in a temporary directory. The schema is created here once, so processes started later do not
 * race to create it.
 */
export async function freshDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!baseUrl.startsWith('postgres')) {
    const dir = mkdtempSync(join(tmpdir(), 'fbd-rel-'));
    const url = `sqlite:${join(dir, 'desk.sqlite')}`;
    await (await openDatabase(url)).destroy();
    return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `rel_${randomBytes(5).toString('hex')}`;
  const admin = new DataSource({ type: 'postgres', url: baseUrl });
  await admin.initialize();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.destroy();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  await (await openDatabase(url)).destroy();
  return {
    url,
    drop: async () => {
      const a = new DataSource({ type: 'postgres', url: baseUrl });
      await a.initialize();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.destroy();
    },
  };
}

/** The environment of an app or worker process wired to the test's database, Redis and fake WeCom. */
export function serviceEnv(o: {
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  fake: FakeWecom;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: o.dbUrl,
    REDIS_URL: o.redisUrl,
    REDIS_PREFIX: o.prefix,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    AUTH_SECRET: 'reliability-secret-reliability-secret-0123',
    WECOM_CORP_ID: CORP.corpId,
    WECOM_SECRET: CORP.corpSecret,
    WECOM_AGENT_ID: CORP.agentId,
    WECOM_API_BASE: o.fake.url,
    WECOM_ROBOT_KEY: ROBOT_KEY,
    ALERTS_TOKEN,
    KB_DIR: join(ROOT, 'knowledge-base'),
    NLP_MODEL_DIR: join(ROOT, 'data/nlp-models'),
    ...o.extra,
  };
}

/** JSON over HTTP; returns status and parsed body. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  o: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  let body = { text } as T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

export async function login(baseUrl: string, username = ADMIN.username, password = ADMIN.password): Promise<string> {
  const r = await call(baseUrl, 'POST', '/api/v1/auth/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token as string;
}

/** Where the compiled service for spawned processes lives (inside the repo, so node_modules resolve). */
export const BUILD_DIR = join(ROOT, 'node_modules/.cache/fbd-reliability-build');

/**
 * Compiles src/ once for child processes (`tsc -p tsconfig.build.json` into BUILD_DIR, incremental:
 * ~30 s cold on two cores, seconds when fresh). A lock directory keeps two test files from building
 * at once. Type errors elsewhere do not stop the emit; a missing entry point fails the test.
 */
export async function buildService(): Promise<{ app: string; worker: string }> {
  const lock = `${BUILD_DIR}.lock`;
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const end = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the build can take was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 240_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > end) throw new Error('build lock not released');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        BUILD_DIR,
        '--incremental',
        '--tsBuildInfoFile',
        join(BUILD_DIR, '.tsbuildinfo'),
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 230_000 },
    );
    const app = join(BUILD_DIR, 'src/main.js');
    const worker = join(BUILD_DIR, 'src/worker-main.js');
    if (!existsSync(app) || !existsSync(worker)) throw new Error(`build failed: ${r.stdout}${r.stderr}`.slice(0, 2000));
    return { app, worker };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Child {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();

/** Starts `node script` with `env`; remembered so killAll() can stop it whatever happens. */
export function spawnNode(script: string, env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let out = '';
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-20_000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => (children.delete(proc), r(code))));
  return { proc, output: () => out, exited };
}

/** SIGKILLs every child still running (afterAll, also after a failure). */
export async function killAll(): Promise<void> {
  const waits = [...children].map(
    (p) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGKILL')))),
  );
  await Promise.all(waits);
  children.clear();
}
