/**
 * Preloaded with `node -r dist/bench/bot/require-costs.js dist/src/main.js`: records, for every
 * package the app's own code requires, the wall time and the resident-memory growth of loading it
 * (inclusive of what it loads in turn), and writes them as JSON to $REQUIRE_COSTS_OUT at exit.
 */
import { writeFileSync } from 'node:fs';
import Module from 'node:module';

interface Cost {
  ms: number;
  rssMb: number;
  loads: number;
}
const costs = new Map<string, Cost>();
let depth = 0;
const out = process.env.REQUIRE_COSTS_OUT;
const started = process.hrtime.bigint();

const mod = Module as unknown as { _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown };
const load = mod._load;
const packageOf = (request: string, parent: { filename?: string } | null): string | null => {
  if (request.startsWith('node:') || Module.builtinModules.includes(request)) return null;
  if (request.startsWith('.') || request.startsWith('/')) return null;
  if (parent?.filename?.includes('/node_modules/')) return null;
  const parts = request.split('/');
  return request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

mod._load = function (request, parent, isMain) {
  const pkg = depth === 0 ? packageOf(request, parent) : null;
  if (!pkg) return load.call(this, request, parent, isMain);
  depth++;
  const t = process.hrtime.bigint();
  const rss = process.memoryUsage.rss();
  try {
    return load.call(this, request, parent, isMain);
  } finally {
    depth--;
    const c = costs.get(pkg) ?? { ms: 0, rssMb: 0, loads: 0 };
    c.ms += Number(process.hrtime.bigint() - t) / 1e6;
    c.rssMb += (process.memoryUsage.rss() - rss) / 2 ** 20;
    c.loads++;
    costs.set(pkg, c);
  }
};

process.on('exit', () => {
  if (!out) return;
  const sorted = [...costs.entries()].sort((a, b) => b[1].ms - a[1].ms).map(([name, c]) => ({ name, ...c }));
  writeFileSync(out, JSON.stringify({ totalMs: Number(process.hrtime.bigint() - started) / 1e6, packages: sorted }, null, 1));
});
