import { describe, expect, it } from 'vitest';
import { defineCli, parseCli } from '../../src/cli/args';

const CLI = defineCli({
  name: 'sample',
  usage: 'npm run sample -- [options] <name> [url]',
  about: 'A sample command.',
  flags: {
    port: { type: 'integer', value: '<port>', default: 8090, max: 65535, env: 'SAMPLE_PORT', help: 'port to listen on' },
    user: { type: 'string', required: true, help: 'who' },
    ratio: { type: 'number', help: 'a ratio' },
    sync: { type: 'string', choices: ['OFF', 'NORMAL', 'FULL'], defaultText: 'FULL', help: 'sync mode' },
    force: { type: 'boolean', help: 'overwrite' },
  },
  positionals: [
    { name: 'name', required: true, help: 'a name' },
    { name: 'url', defaultText: 'http://x', help: 'a url' },
  ],
});

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = parseCli(CLI, argv, env);
  if (r.kind !== 'run') throw new Error(`expected values, got ${JSON.stringify(r)}`);
  return r;
};
const error = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = parseCli(CLI, argv, env);
  return r.kind === 'error' ? r.message : `no error: ${r.kind}`;
};

describe('command-line flags (src/cli/args)', () => {
  it('when flags are given, then they are typed values and the defaults fill the rest', () => {
    expect(run(['--user', 'wang', 'n1'])).toEqual({
      kind: 'run',
      values: { port: 8090, user: 'wang', ratio: undefined, sync: undefined, force: false },
      positionals: ['n1'],
    });
    const r = run(['--port=8091', '--user', 'wang', '--ratio', '0.25', '--sync', 'normal', '--force', 'n1', 'http://y']);
    expect(r.values).toEqual({ port: 8091, user: 'wang', ratio: 0.25, sync: 'NORMAL', force: true });
    expect(r.positionals).toEqual(['n1', 'http://y']);
  });

  it('when a flag is absent but its environment variable is set, then the variable is used, and the flag wins over it', () => {
    expect(run(['--user', 'u', 'n'], { SAMPLE_PORT: '9000' }).values.port).toBe(9000);
    expect(run(['--user', 'u', 'n', '--port', '9001'], { SAMPLE_PORT: '9000' }).values.port).toBe(9001);
    expect(error(['--user', 'u', 'n'], { SAMPLE_PORT: 'x' })).toBe("SAMPLE_PORT (for --port) must be a whole number ≥ 0: got 'x'");
  });

  it('when a flag is unknown, malformed or missing, then an error names it', () => {
    expect(error(['--bogus'])).toBe("unknown option '--bogus'");
    expect(error(['--user'])).toBe("Option '--user <value>' argument missing");
    expect(error(['n'])).toBe('--user is required');
    expect(error(['--user', 'u'])).toBe('missing argument <name>');
    expect(error(['--user', 'u', 'a', 'b', 'c'])).toBe("unexpected argument 'c'");
    expect(error(['--user', 'u', 'n', '--port', '80.5'])).toBe("--port must be a whole number ≥ 0: got '80.5'");
    expect(error(['--user', 'u', 'n', '--port', '70000'])).toBe("--port must be at most 65535: got '70000'");
    expect(error(['--user', 'u', 'n', '--ratio', 'abc'])).toBe("--ratio must be a number: got 'abc'");
    expect(error(['--user', 'u', 'n', '--sync', 'fast'])).toBe("--sync must be one of OFF, NORMAL, FULL: got 'fast'");
    expect(error(['--user', 'u', 'n', '--force=yes'])).toBe("Option '--force' does not take an argument");
  });

  it('when --help or -h is given, then the help lists usage, every argument and flag with its default, and nothing else is checked', () => {
    const r = parseCli(CLI, ['-h']);
    expect(r.kind).toBe('help');
    const text = r.kind === 'help' ? r.text : '';
    expect(text).toContain('Usage: npm run sample -- [options] <name> [url]');
    expect(text).toContain('A sample command.');
    expect(text).toMatch(/<name> +a name\n/);
    expect(text).toMatch(/\[url\] +a url \(default: http:\/\/x\)/);
    expect(text).toMatch(/--port <port> +port to listen on \(default: 8090; env SAMPLE_PORT\)/);
    expect(text).toMatch(/--user <value> +who \(required\)/);
    expect(text).toMatch(/--ratio <n> +a ratio\n/);
    expect(text).toMatch(/--sync <value> +sync mode \(one of OFF, NORMAL, FULL\) \(default: FULL\)/);
    expect(text).toMatch(/--force +overwrite\n/);
    expect(text).toMatch(/-h, --help +show this help and exit/);
    expect(parseCli(CLI, ['--help']).kind).toBe('help');
  });
});
