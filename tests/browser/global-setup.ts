import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const BUILT = join(ROOT, 'dist/web/m/index.html');

/** Newest modification time under dir (generated declaration files excluded: the build itself rewrites them). */
function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return path.endsWith('.d.ts') ? 0 : s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Browser tests drive the real build: on a fresh clone (no dist/web) or after a change under web/,
 * build it once before the run (a few seconds), so `npm test` works without a separate step.
 */
export default function setup(): void {
  const stale = !existsSync(BUILT) || newest(join(ROOT, 'web')) > statSync(BUILT).mtimeMs;
  if (!stale) return;
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
      // Vitest sets NODE_ENV=test, which would make a development bundle (where Vant gives every field
      // the same id, so labels match several inputs): the tests must drive what users get.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (r.status !== 0) throw new Error('the workbench build (vite build) failed');
}
