import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeWecomCrypto } from '../../src/bot/channels/wecom/crypto';
import { makeCallbackBuilder } from './fake-server-callback';
import { makeOAuth } from './fake-server-oauth';
import { handleGettoken, handleMessageSend, handleWebhookSend, type Answer, type FakeState } from './fake-server-routes';
import { makeMemoryRateLimiter, WECOM_RATE_LIMITS, type WecomRateLimits } from '../../src/bot/channels/wecom/throttle';

export type { BuiltCallback, CallbackInput } from './fake-server-callback';
export type { FakeReceived, ReceivedAppMessage, ReceivedRobotMessage } from './fake-server-routes';

export type FailureKind = 'expired-token' | 'busy' | 'rate-limit' | 'http-500' | 'slow';

export interface FakeWecomOptions {
  port?: number;
  corpId: string;
  corpSecret: string;
  agentId: string | number;
  robotKeys: string[];
  /** Callback Token and EncodingAESKey; random ones are made when absent. */
  token?: string;
  encodingAESKey?: string;
  /** Known member ids; when given, others come back in invaliduser (all unknown → 81013). */
  members?: string[];
  tokenTtlS?: number;
  /** Time source in ms for token expiry and rate limits. */
  now?: () => number;
  /** Rate limits enforced (default WeCom's own); a load test raises them like the app's config. */
  limits?: WecomRateLimits;
}

interface Failure {
  kind: FailureKind;
  on: 'send' | 'gettoken';
  delayMs: number;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** A 43-character EncodingAESKey (32 random bytes, base64 without the trailing "="). */
export function generateEncodingAESKey(): string {
  return randomBytes(32).toString('base64').slice(0, 43);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function failureAnswer(kind: FailureKind): Answer | undefined {
  if (kind === 'expired-token') return { status: 200, json: { errcode: 42001, errmsg: 'access_token expired' } };
  if (kind === 'busy') return { status: 200, json: { errcode: -1, errmsg: 'system busy' } };
  if (kind === 'rate-limit') return { status: 200, json: { errcode: 45009, errmsg: 'api freq out of limit' } };
  if (kind === 'http-500') return { status: 500, json: { error: 'internal server error' } };
  return undefined;
}

/** Starts the loopback fake of WeCom's gettoken, message/send, webhook/send and web authorisation, plus callback builders. */
export async function startFakeWecom(options: FakeWecomOptions) {
  const now = options.now ?? Date.now;
  const token = options.token ?? randomBytes(12).toString('hex');
  const encodingAESKey = options.encodingAESKey ?? generateEncodingAESKey();
  const agentId = String(options.agentId);
  const limits = options.limits ?? WECOM_RATE_LIMITS;
  const state: FakeState = {
    corpId: options.corpId,
    corpSecret: options.corpSecret,
    agentId,
    robotKeys: new Set(options.robotKeys),
    members: options.members ? new Set(options.members) : undefined,
    tokenTtlS: options.tokenTtlS ?? 7200,
    tokens: new Map(),
    received: { messages: [], robot: [], rejected: [], dropped: [], tokenRequests: 0 },
    memberLimiter: makeMemoryRateLimiter(limits.member),
    robotLimiter: makeMemoryRateLimiter(limits.robot),
    events: new EventEmitter(),
    now,
  };
  const oauth = makeOAuth(state);
  let failures: Failure[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => (timers.delete(t), resolve()), ms);
      timers.add(t);
    });

  /** GET /_fake/received?user=&after=: app messages delivered to `user` (the local chat client polls it). */
  function receivedFor(q: URLSearchParams): Answer {
    const user = q.get('user') ?? '';
    const after = Number(q.get('after') ?? -1);
    const messages = state.received.messages
      .map((m, index) => ({ index, msgtype: m.msgtype, body: m.body, at: m.at, delivered: m.delivered }))
      .filter((m) => m.index > after && (user === '' || m.delivered.includes(user)));
    return { status: 200, json: { messages, total: state.received.messages.length } };
  }

  async function route(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = req.method === 'POST' ? await readBody(req) : '';
    const on = url.pathname === '/cgi-bin/gettoken' ? 'gettoken' : 'send';
    const index = failures.findIndex((f) => f.on === on);
    if (index >= 0 && url.pathname.startsWith('/cgi-bin/')) {
      const [failure] = failures.splice(index, 1);
      const answer = failureAnswer(failure.kind);
      if (answer) return answer;
      await delay(failure.delayMs);
    }
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    if (req.method === 'GET' && url.pathname === '/_fake/received') return receivedFor(url.searchParams);
    if (req.method === 'GET' && url.pathname === '/_fake/callback-config')
      return { status: 200, json: { corpId: options.corpId, agentId, token, encodingAESKey } };
    if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') return handleGettoken(state, url.searchParams);
    if (req.method === 'GET' && url.pathname === '/connect/oauth2/authorize') return oauth.authorize(url.searchParams);
    if (req.method === 'GET' && url.pathname === '/cgi-bin/auth/getuserinfo') return oauth.getUserInfo(url.searchParams);
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/send') return handleMessageSend(state, url.searchParams, body);
    if (req.method === 'POST' && url.pathname === '/cgi-bin/webhook/send') return handleWebhookSend(state, url.searchParams, body);
    return { status: 404, json: { errcode: 404, errmsg: 'not found' } };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    route(req)
      .then(({ status, json, redirect, html }) => {
        if (redirect) res.writeHead(status, { location: redirect }).end();
        else if (html !== undefined) res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(html);
        else res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(json));
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(400).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const crypto = makeWecomCrypto({ token, encodingAESKey, receiveId: options.corpId });
  const builder = makeCallbackBuilder(crypto, options.corpId, agentId, () => Math.floor(now() / 1000));

  function waitFor(event: 'message' | 'robot', count: () => number, n: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (count() < n) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake WeCom: expected ${n} ${event}(s), got ${count()} within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => (clearTimeout(timer), state.events.off(event, check));
      state.events.on(event, check);
      check();
    });
  }

  return {
    url,
    config: { corpId: options.corpId, corpSecret: options.corpSecret, agentId, token, encodingAESKey },
    received: state.received,
    /** Makes the next `count` send calls (or gettoken calls, with on: 'gettoken') fail as `kind`. */
    failNext(kind: FailureKind, count = 1, opts: { delayMs?: number; on?: 'send' | 'gettoken' } = {}) {
      for (let i = 0; i < count; i++) failures.push({ kind, on: opts.on ?? 'send', delayMs: opts.delayMs ?? 2000 });
    },
    /** Makes `userid` a member of the corp (an empty member list made at start is filled this way). */
    addMember(userid: string) {
      state.members ??= new Set();
      state.members.add(userid);
    },
    /** Marks every issued token expired, as if 7200 s had passed. */
    expireTokens() {
      for (const t of state.tokens.keys()) state.tokens.set(t, 0);
    },
    /** Clears records (in place, so held references stay live), queued failures and rate-limit windows; tokens stay valid. */
    reset() {
      const r = state.received;
      for (const list of [r.messages, r.robot, r.rejected, r.dropped]) list.length = 0;
      r.tokenRequests = 0;
      failures = [];
      state.memberLimiter = makeMemoryRateLimiter(limits.member);
      state.robotLimiter = makeMemoryRateLimiter(limits.robot);
    },
    /** Resolves once n app messages have been delivered; rejects after timeoutMs. */
    waitForMessages: (n: number, timeoutMs = 2000) => waitFor('message', () => state.received.messages.length, n, timeoutMs),
    waitForRobotMessages: (n: number, timeoutMs = 2000) => waitFor('robot', () => state.received.robot.length, n, timeoutMs),
    buildCallback: builder.buildCallback,
    buildUrlVerification: builder.buildUrlVerification,
    async stop() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeWecom = Awaited<ReturnType<typeof startFakeWecom>>;
