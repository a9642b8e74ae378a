import type { Clock } from '../../../domain/clock';

export interface IssuedToken {
  token: string;
  expiresInS: number;
}

/**
 * Caches the access token until expiry minus a margin and refreshes single-flight: WeCom
 * blocks apps that call gettoken too often, so concurrent callers share one request.
 */
export function makeTokenCache(fetchToken: () => Promise<IssuedToken>, clock: Clock, safetyMarginS = 300) {
  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function refresh(): Promise<string> {
    const issued = await fetchToken();
    // A short-lived token (tests, odd gateways) still needs a window of use: cap the margin at half.
    const margin = Math.min(safetyMarginS, issued.expiresInS / 2);
    cached = { token: issued.token, refreshAt: clock.now().getTime() + (issued.expiresInS - margin) * 1000 };
    return issued.token;
  }

  /** The current token, fetching one if none is valid; concurrent callers share one fetch. */
  function get(): Promise<string> {
    if (cached && clock.now().getTime() < cached.refreshAt) return Promise.resolve(cached.token);
    inflight ??= refresh().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  /** Drops the token WeCom rejected, unless a newer one has replaced it meanwhile. */
  function invalidate(token: string): void {
    if (cached?.token === token) cached = undefined;
  }

  /** The cached token's value, for scrubbing it out of error texts. */
  function current(): string | undefined {
    return cached?.token;
  }

  return { get, invalidate, current };
}

export type TokenCache = ReturnType<typeof makeTokenCache>;
