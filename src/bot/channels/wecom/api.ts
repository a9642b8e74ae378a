import type { Logger } from '../../../logger';

/** errcodes worth retrying later (busy, rate or concurrency limits); the rest need a fix first. */
const RETRYABLE_ERRCODES = new Set([-1, 45009, 45033, 45047]);

/** A failed WeCom call; `retryable` tells a job whether to try again later. Never holds secrets. */
export class WecomApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly retryable: boolean = RETRYABLE_ERRCODES.has(errcode),
    readonly httpStatus?: number,
    /** For split messages: parts delivered before the failure, so a retry can resume. */
    readonly partsSent = 0,
  ) {
    super(`WeCom API error ${errcode}: ${errmsg}`);
    this.name = 'WecomApiError';
  }
}

/** Hides credentials carried in WeCom query strings before a URL reaches a log or an error. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|corpsecret|key)=)[^&#]*/gi, '$1[redacted]');
}

export type FetchImpl = typeof fetch;
export type Sleep = (ms: number) => Promise<void>;
export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WecomReply {
  errcode: number;
  errmsg: string;
  [field: string]: unknown;
}

export interface ApiCallerOptions {
  apiBase: string;
  logger: Logger;
  fetchImpl?: FetchImpl;
  sleep?: Sleep;
  /** Per-attempt timeout; a slow answer is treated like a network error. */
  timeoutMs?: number;
  /** Retries after the first attempt for busy (-1), HTTP 5xx and network errors. */
  maxRetries?: number;
  baseDelayMs?: number;
  /** Values to scrub from any text that may surface (errmsg echoes, network error texts). */
  secrets: () => string[];
}

class Transient extends Error {
  constructor(
    readonly errcode: number,
    readonly detail: string,
    readonly httpStatus?: number,
  ) {
    super(detail);
  }
}

/** Makes a JSON caller for the WeCom API that retries transient failures with exponential back-off. */
export function makeApiCaller(options: ApiCallerOptions) {
  const fetchImpl = options.fetchImpl ?? fetch;
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const apiBase = options.apiBase.replace(/\/+$/, '');

  function scrub(text: string): string {
    let out = text;
    for (const s of options.secrets()) if (s.length > 0) out = out.split(s).join('[redacted]');
    return out;
  }

  async function attempt(url: string, body: unknown): Promise<WecomReply> {
    let res: Response;
    try {
      res = await fetchImpl(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      throw new Transient(-1, name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : `network error (${name})`);
    }
    const raw = await res.text().catch(() => '');
    if (res.status >= 500) throw new Transient(-1, `HTTP ${res.status}`, res.status);
    let json: WecomReply;
    try {
      json = JSON.parse(raw) as WecomReply;
    } catch {
      throw new WecomApiError(-3, `HTTP ${res.status} with a non-JSON body`, false, res.status);
    }
    if (typeof json.errcode !== 'number') json.errcode = 0;
    json.errmsg = scrub(String(json.errmsg ?? ''));
    if (json.errcode === -1) throw new Transient(-1, `busy: ${json.errmsg}`, res.status);
    return json;
  }

  /** Calls path (query holds credentials, kept out of logs); returns the JSON reply, errcode possibly ≠ 0. */
  async function call(path: string, query: Record<string, string>, body?: unknown): Promise<WecomReply> {
    const url = `${apiBase}${path}?${new URLSearchParams(query).toString()}`;
    for (let n = 0; ; n++) {
      try {
        return await attempt(url, body);
      } catch (err) {
        if (!(err instanceof Transient)) throw err;
        if (n >= maxRetries) {
          options.logger.warn({ url: redactUrl(url), attempts: n + 1, detail: err.detail }, 'wecom call failed, giving up');
          throw new WecomApiError(err.errcode, scrub(err.detail), true, err.httpStatus);
        }
        const delay = baseDelayMs * 2 ** n * (0.75 + Math.random() * 0.5);
        options.logger.warn(
          { url: redactUrl(url), attempt: n + 1, detail: err.detail, delayMs: Math.round(delay) },
          'wecom call failed, retrying',
        );
        await sleep(delay);
      }
    }
  }

  return { call };
}

export type ApiCaller = ReturnType<typeof makeApiCaller>;
