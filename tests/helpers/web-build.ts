import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A stand-in for the Vite build (integration tests of serving and sign-in): both entries' index.html and one hashed asset each. */
export function fakeWebBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fbd-web-'));
  mkdirSync(join(dir, 'assets'));
  for (const entry of ['m', 'console']) {
    mkdirSync(join(dir, entry));
    writeFileSync(
      join(dir, entry, 'index.html'),
      `<!doctype html><title>${entry}</title><script type="module" src="/assets/${entry}-AbC123.js"></script>`,
    );
    writeFileSync(join(dir, 'assets', `${entry}-AbC123.js`), `console.log('${entry}')`);
  }
  return dir;
}

/** The cookies a response set, as name → value (a cleared one maps to ''). */
export function setCookies(headers: Headers): Map<string, string> {
  return new Map(headers.getSetCookie().map((c) => [c.split('=')[0], c.slice(c.indexOf('=') + 1).split(';')[0]] as const));
}

/** A Cookie header from name → value pairs, skipping cleared ones. */
export function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies]
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

/** WeCom's in-app browser on Android, as its user agent reads. */
export const WXWORK_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 NetType/WIFI Language/zh';
