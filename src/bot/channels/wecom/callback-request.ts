import type { Context } from 'koa';
import { WecomCryptoError } from './crypto';

/** Largest callback body read when the body parser did not take it (WeCom sends a few hundred bytes). */
export const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * Query values decoded exactly once with decodeURIComponent: WeCom sends "+" as %2B, and a form
 * decoder would turn a literal "+" into a space and break the signature.
 */
export function callbackQuery(ctx: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (ctx.querystring ?? '').split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const raw = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      const key = decodeURIComponent(name);
      // A repeated parameter would let one copy be verified and another used: refuse it.
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new Error('duplicate');
      out[key] = decodeURIComponent(raw);
    } catch {
      throw new WecomCryptoError(-40001, 'query string cannot be decoded');
    }
  }
  return out;
}

/** The raw XML body: from the body parser (text/xml, text/plain) or read here with a cap. */
export async function callbackBody(ctx: Context): Promise<string> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (typeof parsed === 'string') return parsed;
  if (parsed !== undefined && !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0)) {
    throw new WecomCryptoError(-40002, 'body is not XML');
  }
  if (ctx.req.readableEnded) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CALLBACK_BYTES) throw new WecomCryptoError(-40002, `body exceeds ${MAX_CALLBACK_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
