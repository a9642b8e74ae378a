import type { Context } from 'koa';
import { CallbackRefused } from '../../domain/ports/channel';

/** Largest callback body read when the body parser did not take it (WeCom sends a few hundred bytes). */
export const MAX_CALLBACK_BYTES = 64 * 1024;

const notXml = (detail: string) => new CallbackRefused('malformed', 'ParseXmlError', -40002, detail);

/** The raw XML body: from the body parser (text/xml, text/plain) or read here with a cap. */
export async function callbackBody(ctx: Context): Promise<string> {
  const parsed = (ctx.request as { body?: unknown }).body;
  if (typeof parsed === 'string') return parsed;
  if (parsed !== undefined && !(typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length === 0)) {
    throw notXml('body is not XML');
  }
  if (ctx.req.readableEnded) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_CALLBACK_BYTES) throw notXml(`body exceeds ${MAX_CALLBACK_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
