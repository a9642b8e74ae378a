import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../domain/clock';
import type { SummaryLinks } from '../../domain/summaries/summary.service';

/** Where the token-free summary pages are served. */
export const SUMMARY_PAGE_PATH = '/s/summaries';
// Two weekly pushes: a leader may open last week's report until the one after next replaces it.
export const SUMMARY_LINK_TTL_S = 14 * 24 * 3600;
// A key of its own, so a link signature can never pass as an API token or a dashboard cookie (nor the reverse).
const PURPOSE = 'summary-link-v1';
const UINT = /^[1-9]\d{0,14}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;

/** The query parameters of a signed link: recipient, expiry (unix seconds) and signature. */
export interface LinkParams {
  u: string;
  exp: string;
  sig: string;
}

/** Signs and verifies per-recipient, expiring links to stored summaries. */
export interface SummaryLinkSigner extends SummaryLinks {
  /** `u=…&exp=…&sig=…` for a recipient, valid SUMMARY_LINK_TTL_S from now. */
  query(summaryId: number, userId: number): string;
  /** The recipient's user id when the signature is genuine and not expired, else null. */
  verify(summaryId: number, params: Partial<Record<keyof LinkParams, unknown>>): number | null;
}

/** The link signer: HMAC-SHA256 over `<summary id>.<user id>.<exp>` with a key derived from the auth secret. */
export function makeSummaryLinks(deps: { secret: string; clock: Clock; publicUrl: string; ttlS?: number }): SummaryLinkSigner {
  const key = createHmac('sha256', deps.secret).update(PURPOSE).digest();
  const ttlS = deps.ttlS ?? SUMMARY_LINK_TTL_S;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const mac = (summaryId: number, userId: number, exp: number): Buffer =>
    createHmac('sha256', key).update(`${summaryId}.${userId}.${exp}`).digest();
  const nowS = () => Math.floor(deps.clock.now().getTime() / 1000);

  const query = (summaryId: number, userId: number): string => {
    const exp = nowS() + ttlS;
    return `u=${userId}&exp=${exp}&sig=${mac(summaryId, userId, exp).toString('base64url')}`;
  };
  return {
    query,
    linkFor: (summaryId, userId) => `${base}${SUMMARY_PAGE_PATH}/${summaryId}?${query(summaryId, userId)}`,
    verify(summaryId, { u, exp, sig }) {
      // Repeated parameters arrive as arrays: only single canonical values are accepted.
      if (typeof u !== 'string' || typeof exp !== 'string' || typeof sig !== 'string') return null;
      if (!UINT.test(u) || !UINT.test(exp) || !SIG.test(sig)) return null;
      // Compared as text: base64url decoding ignores stray low bits of the last character.
      const expected = Buffer.from(mac(summaryId, Number(u), Number(exp)).toString('base64url'));
      if (!timingSafeEqual(Buffer.from(sig), expected)) return null;
      return Number(exp) > nowS() ? Number(u) : null;
    },
  };
}
