import { createHash, randomBytes } from 'node:crypto';
import type { Answer, FakeState } from './fake-server-routes';

/** A code issued by the fake authorise page: for a member (userid) or a non-member (openid). */
interface IssuedCode {
  userid?: string;
  openid?: string;
  expiresAt: number;
}

/** WeCom's limits on an OAuth code (wecom.md): single use, five minutes. */
const CODE_TTL_MS = 5 * 60 * 1000;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): Answer => ({
  status: 200,
  json: {},
  html: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:sans-serif;margin:24px;color:#333}a{display:block;padding:14px 16px;margin:8px 0;border:1px solid #ddd;border-radius:8px;text-decoration:none;color:#1989fa}</style></head>
<body><h1 style="font-size:18px">${title}</h1>${body}</body></html>`,
});

const refuse = (errcode: number, errmsg: string): Answer => ({
  status: 200,
  json: {},
  html: `<!doctype html><p>errcode ${errcode}: ${escapeHtml(errmsg)}</p>`,
});

/**
 * The web-authorisation pair (网页授权): GET /connect/oauth2/authorize checks what the app put in the
 * link and redirects to `redirect_uri?code=&state=` for the member chosen with `as=` (or picked on a
 * small page); GET /cgi-bin/auth/getuserinfo turns that code into the userid once, within five
 * minutes (40029 otherwise). A chosen id outside the configured members gets an openid, as WeCom
 * answers for someone who is not a member of the corp.
 */
export function makeOAuth(state: FakeState) {
  const codes = new Map<string, IssuedCode>();

  function authorize(q: URLSearchParams): Answer {
    if (q.get('appid') !== state.corpId) return refuse(40013, 'invalid corpid (appid)');
    if (q.get('response_type') !== 'code') return refuse(40001, 'response_type must be code');
    const scope = q.get('scope');
    if (scope !== 'snsapi_base' && scope !== 'snsapi_privateinfo') return refuse(40001, 'scope must be snsapi_base or snsapi_privateinfo');
    if (q.get('agentid') !== state.agentId) return refuse(40056, 'invalid agentid');
    const redirect = q.get('redirect_uri') ?? '';
    let target: URL;
    try {
      target = new URL(redirect);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('scheme');
    } catch {
      return refuse(40001, 'invalid redirect_uri');
    }
    const as = q.get('as');
    if (!as) {
      const members = [...(state.members ?? [])];
      const link = (id: string) => {
        const next = new URLSearchParams(q);
        next.set('as', id);
        return `<a href="/connect/oauth2/authorize?${escapeHtml(next.toString())}">${escapeHtml(id)}</a>`;
      };
      const form = `<form method="get" action="/connect/oauth2/authorize">${[...q.entries()]
        .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
        .join('')}<label>成员账号 <input name="as" required></label> <button type="submit">授权</button></form>`;
      return page('模拟企业微信：选择以哪位成员身份打开', members.length > 0 ? members.map(link).join('') : form);
    }
    const code = randomBytes(24).toString('hex');
    const member = state.members === undefined || state.members.has(as);
    codes.set(code, {
      ...(member ? { userid: as } : { openid: `o${createHash('sha256').update(as).digest('hex').slice(0, 27)}` }),
      expiresAt: state.now() + CODE_TTL_MS,
    });
    target.searchParams.set('code', code);
    target.searchParams.set('state', q.get('state') ?? '');
    return { status: 302, json: {}, redirect: target.toString() };
  }

  function getUserInfo(q: URLSearchParams): Answer {
    const path = '/cgi-bin/auth/getuserinfo';
    const token = q.get('access_token');
    const reject = (errcode: number, errmsg: string): Answer => {
      state.received.rejected.push({ path, errcode, errmsg, at: state.now() });
      return { status: 200, json: { errcode, errmsg } };
    };
    if (!token) return reject(41001, 'access_token missing');
    const expiresAt = state.tokens.get(token);
    if (expiresAt === undefined) return reject(40014, 'invalid access_token');
    if (expiresAt <= state.now()) return reject(42001, 'access_token expired');
    const code = q.get('code') ?? '';
    if (!code) return reject(41008, 'missing oauth code');
    const issued = codes.get(code);
    codes.delete(code); // once, whatever the outcome
    if (!issued || issued.expiresAt <= state.now()) return reject(40029, 'invalid code');
    return { status: 200, json: { errcode: 0, errmsg: 'ok', ...(issued.userid ? { userid: issued.userid } : { openid: issued.openid }) } };
  }

  return { authorize, getUserInfo };
}
