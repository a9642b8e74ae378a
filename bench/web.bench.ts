/**
 * Workbench benchmark: `npm run bench:web [-- --runs 5] [--no-write]`. For the mobile (/m/) and console
 * (/console/) entries: the gzipped JS and CSS of the first screen — the built index.html's module graph
 * (script, modulepreloads, stylesheets and their static imports) and, measured, everything the browser
 * loaded until the role's first page was on screen — and the time to the first screen of the engineer's
 * queue (/m/ for an engineer) in Debian's Chromium on loopback with 4× CPU throttling (CDP
 * Emulation.setCPUThrottlingRate), cold cache, median of the runs. Rewrites its block of bench/README.md.
 */
import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { cliArgs, defineCli } from '../src/cli/args';
import { loadConfig } from '../src/config';
import { systemClock } from '../src/domain/clock';
import { openDatabase } from '../src/domain/db/data-source';
import { systemActor } from '../src/domain/identity/actor';
import { makeLogger } from '../src/logger';
import { buildSystem } from '../src/system';
import { repoRoot } from './lib/repo-root';
import { printedBlock, resultsDocument } from './lib/write-results';

const CLI = defineCli({
  name: 'bench:web',
  usage: 'npm run bench:web -- [options]',
  about: 'First-screen JS/CSS (gzip) of /m/ and /console/, and the engineer queue’s time to screen under 4× CPU throttling (issue 11).',
  flags: {
    runs: { type: 'integer', default: 5, help: 'cold page loads timed (median reported)' },
    'no-write': { type: 'boolean', help: 'print only; leave the results block of bench/README.md alone' },
  },
});

const ROOT = repoRoot();
const WEB = join(ROOT, 'dist/web');
const PASSWORD = 'Bench2026web1';
const BUDGET_JS_KB = 150;
const BUDGET_QUEUE_MS = 1500;

const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** The first screen's files as the built index.html names them, with the static imports of its JS. */
function staticGraph(entry: 'm' | 'console'): { js: string[]; css: string[] } {
  const html = readFileSync(join(WEB, entry, 'index.html'), 'utf8');
  const js = new Set<string>();
  const css = new Set<string>();
  for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) js.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) js.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)) css.add(m[1]);
  // Static imports only (`import … from "./x.js"`, `import "./x.js"`); import("…") is a later page.
  const queue = [...js];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const code = readFileSync(join(WEB, file), 'utf8');
    for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{},\s]+from\s*)?["'](\.\/[^"']+\.js)["']/g)) {
      const dep = `/assets/${m[1].slice(2)}`;
      if (js.has(dep)) continue;
      js.add(dep);
      queue.push(dep);
    }
  }
  return { js: [...js], css: [...css] };
}

const sizeOf = (files: string[]) => files.reduce((sum, f) => sum + gz(readFileSync(join(WEB, f))), 0);

interface Visit {
  ms: number;
  jsGz: number;
  cssGz: number;
  files: number;
}

/** One cold visit of `path` signed in as `cookies`, until `screen` is in the DOM and the API calls have answered. */
async function visit(
  browser: Browser,
  base: string,
  cookies: { name: string; value: string }[],
  path: string,
  screen: string,
  mobile: boolean,
): Promise<Visit> {
  const ctx = await browser.newContext(
    mobile
      ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' }
      : { viewport: { width: 1366, height: 768 }, locale: 'zh-CN' },
  );
  await ctx.addCookies(cookies.map((c) => ({ ...c, url: base })));
  const page = await ctx.newPage();
  const loaded: string[] = [];
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/assets/') && /\.(js|css)$/.test(u.pathname)) loaded.push(u.pathname);
  });
  // Records when the screen's element first appears (navigation start = 0). Page code as text: this
  // program is compiled without the DOM's types.
  await page.addInitScript({
    content: `new MutationObserver(() => {
      if (window.__fbdScreenAt === undefined && document.querySelector(${JSON.stringify(screen)})) window.__fbdScreenAt = performance.now();
    }).observe(document, { childList: true, subtree: true });`,
  });
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(base + path, { waitUntil: 'networkidle', timeout: 60_000 });
  await page.waitForSelector(screen, { timeout: 30_000 });
  const ms = await page.evaluate<number>(`Math.max(window.__fbdScreenAt, ...performance
      .getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname.startsWith('/api/'))
      .map((e) => e.responseEnd))`);
  await ctx.close();
  const unique = [...new Set(loaded)];
  return {
    ms,
    jsGz: sizeOf(unique.filter((f) => f.endsWith('.js'))),
    cssGz: sizeOf(unique.filter((f) => f.endsWith('.css'))),
    files: unique.length,
  };
}

async function main(): Promise<void> {
  const flags = cliArgs(CLI).values;
  const readme = resultsDocument({ file: 'bench/README.md', tag: 'bench-web', names: ['results'], enabled: !flags['no-write'] });
  if (!existsSync(join(WEB, 'm/index.html'))) throw new Error('build first: npm run build (npm run bench:web does)');
  const dir = mkdtempSync(join(tmpdir(), 'web-bench-'));
  const ds = await openDatabase(`sqlite:${join(dir, 'bench.sqlite')}`);
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WEB_DIR: WEB,
    LOGIN_MAX_PER_ADDRESS: '100000',
    NLP_MODEL_DIR: join(ROOT, 'data/nlp-models'),
  });
  const system = await buildSystem(config, makeLogger('silent'), { clock: systemClock, database: ds });
  const base = `http://127.0.0.1:${await system.listen(0, '127.0.0.1')}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  try {
    for (const [username, role] of [
      ['bench.engineer', 'engineer'],
      ['bench.operator', 'operator'],
    ] as const) {
      await system.services.users.create(systemActor, { username, name: '基准', role, password: PASSWORD });
    }
    const cookiesOf = async (username: string) => {
      const r = await fetch(`${base}/api/v1/auth/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: PASSWORD }),
      });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status}`);
      return r.headers.getSetCookie().map((c) => {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        return { name: pair.slice(0, i), value: pair.slice(i + 1) };
      });
    };

    for (const [entry, title] of [
      ['m', '/m/ (Vant)'],
      ['console', '/console/ (Element Plus)'],
    ] as const) {
      const g = staticGraph(entry);
      say(
        `${title} index.html graph: JS ${kb(sizeOf(g.js))} gz in ${g.js.length} files, CSS ${kb(sizeOf(g.css))} gz in ${g.css.length} files`,
      );
    }

    const engineer = await cookiesOf('bench.engineer');
    const operator = await cookiesOf('bench.operator');
    const queue: Visit[] = [];
    await visit(browser, base, engineer, '/m/', 'main.page', true); // warm the server (first requests compile nothing, but open files)
    for (let i = 0; i < flags.runs; i++) queue.push(await visit(browser, base, engineer, '/m/', 'main.page', true));
    const desk = await visit(browser, base, operator, '/console/', '.el-main .el-card', false);
    const q = queue[0];
    say(
      `engineer queue (/m/ → /m/tickets) loaded: JS ${kb(q.jsGz)} gz, CSS ${kb(q.cssGz)} gz in ${q.files} files — budget JS ≤ ${BUDGET_JS_KB} KB: ${q.jsGz / 1024 <= BUDGET_JS_KB ? 'met' : 'MISSED'}`,
    );
    say(
      `operator 待办审批 (/console/ → /console/approvals) loaded: JS ${kb(desk.jsGz)} gz, CSS ${kb(desk.cssGz)} gz in ${desk.files} files`,
    );
    const times = queue.map((v) => v.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    say(
      `engineer queue on screen, 4× CPU throttling, cold cache, loopback: median ${median.toFixed(0)} ms over ${times.length} runs (${times.map((t) => t.toFixed(0)).join(', ')}) — budget ≤ ${BUDGET_QUEUE_MS} ms: ${median <= BUDGET_QUEUE_MS ? 'met' : 'MISSED'}`,
    );
    say(`console 待办审批 on screen (same conditions, one run): ${desk.ms.toFixed(0)} ms`);
    readme.write({ results: printedBlock(lines) });
  } finally {
    await browser.close();
    await system.close();
    await ds.destroy().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
