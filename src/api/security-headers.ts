import helmet from 'koa-helmet';

/**
 * Headers every response carries (koa-helmet): no MIME sniffing, no referrer, never framed, and a
 * content security policy that allows nothing — the API answers JSON, not pages. Pages that need
 * more (/docs, the summary page, the workbench) set their own policy on their responses.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
}
