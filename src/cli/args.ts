/**
 * Command-line flags for every CLI (src/cli, tools/, bench/): one table per command drives both
 * `node:util` parseArgs (strict) and the `--help` text, so a flag that is documented is parsed and
 * a flag that is parsed is documented.
 */
import { parseArgs } from 'node:util';

interface FlagBase {
  /** What the flag does, for --help. */
  readonly help: string;
  /** The value's placeholder in --help, e.g. `<url>`. */
  readonly value?: string;
  /** An environment variable read when the flag is absent (before `default`). */
  readonly env?: string;
  /** --help text for a default the command works out itself (none is applied here). */
  readonly defaultText?: string;
}

/** One flag: a string (optionally required or one of `choices`), a finite number, a non-negative integer, or a switch. */
export type Flag =
  | (FlagBase & { readonly type: 'string'; readonly default?: string; readonly required?: boolean; readonly choices?: readonly string[] })
  | (FlagBase & { readonly type: 'number' | 'integer'; readonly default?: number; readonly max?: number })
  | (FlagBase & { readonly type: 'boolean' });

/** A positional argument, documented in --help; positionals not listed are refused. */
export interface Positional {
  readonly name: string;
  readonly help: string;
  readonly required?: boolean;
  readonly defaultText?: string;
}

export interface CliSpec<F extends Record<string, Flag>> {
  /** The command's name in messages, e.g. `fake-wecom`. */
  readonly name: string;
  /** How to invoke it, e.g. `npm run fake-wecom -- [options]`. */
  readonly usage: string;
  /** What it does, in a sentence or two. */
  readonly about: string;
  readonly flags: F;
  readonly positionals?: readonly Positional[];
}

type ValueOf<T extends Flag> = T extends { type: 'boolean' }
  ? boolean
  : T extends { type: 'number' | 'integer' }
    ? T extends { default: number }
      ? number
      : number | undefined
    : T extends { default: string } | { required: true }
      ? string
      : string | undefined;

export type FlagValues<F extends Record<string, Flag>> = { -readonly [K in keyof F]: ValueOf<F[K]> };

export type ParseResult<F extends Record<string, Flag>> =
  { kind: 'run'; values: FlagValues<F>; positionals: string[] } | { kind: 'help'; text: string } | { kind: 'error'; message: string };

/** Declares a command's flags; `const` keeps each default's presence in the value types. */
export function defineCli<const F extends Record<string, Flag>>(spec: CliSpec<F>): CliSpec<F> {
  return spec;
}

/** The --help text: usage, what the command does, each positional and flag with its default. */
export function helpText(spec: CliSpec<Record<string, Flag>>): string {
  const rows: Array<[string, string]> = [];
  for (const p of spec.positionals ?? []) {
    rows.push([p.required ? `<${p.name}>` : `[${p.name}]`, withDefault(p.help, p.defaultText)]);
  }
  for (const [key, f] of Object.entries(spec.flags)) {
    const placeholder = f.type === 'boolean' ? '' : ` ${f.value ?? (f.type === 'string' ? '<value>' : '<n>')}`;
    const shown = f.type === 'boolean' ? undefined : (f.defaultText ?? (f.default === undefined ? undefined : String(f.default)));
    const choices = f.type === 'string' && f.choices ? ` (one of ${f.choices.join(', ')})` : '';
    const env = f.env ? `; env ${f.env}` : '';
    const required = f.type === 'string' && f.required ? ' (required)' : '';
    const dflt = shown === undefined && !env ? '' : ` (default: ${shown ?? 'none'}${env})`;
    rows.push([`--${key}${placeholder}`, `${f.help}${choices}${required}${dflt}`]);
  }
  rows.push(['-h, --help', 'show this help and exit']);
  const width = Math.max(...rows.map(([a]) => a.length));
  const section = (title: string, list: Array<[string, string]>) =>
    list.length ? [`${title}:`, ...list.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`), ''] : [];
  const nPos = spec.positionals?.length ?? 0;
  return [
    `Usage: ${spec.usage}`,
    '',
    spec.about,
    '',
    ...section('Arguments', rows.slice(0, nPos)),
    ...section('Options', rows.slice(nPos)),
  ].join('\n');
}

function withDefault(help: string, shown: string | undefined): string {
  return shown === undefined ? help : `${help} (default: ${shown})`;
}

/** Parses `argv` against the spec without side effects: values, a help request, or an error message. */
export function parseCli<F extends Record<string, Flag>>(spec: CliSpec<F>, argv: string[], env: NodeJS.ProcessEnv = {}): ParseResult<F> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [key, f] of Object.entries(spec.flags)) options[key] = { type: f.type === 'boolean' ? 'boolean' : 'string' };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: (spec.positionals?.length ?? 0) > 0 });
  } catch (err) {
    const message = (err as Error).message;
    // Node appends a hint about positionals to this one; the option's name is what matters.
    const unknown = /^Unknown option '([^']*)'/.exec(message);
    return { kind: 'error', message: unknown ? `unknown option '${unknown[1]}'` : message.split('\n')[0] };
  }
  if (parsed.values.help) return { kind: 'help', text: helpText(spec) };

  const expected = spec.positionals ?? [];
  if (parsed.positionals.length > expected.length) {
    return { kind: 'error', message: `unexpected argument '${parsed.positionals[expected.length]}'` };
  }
  const missing = expected.slice(parsed.positionals.length).find((p) => p.required);
  if (missing) return { kind: 'error', message: `missing argument <${missing.name}>` };

  const values: Record<string, string | number | boolean | undefined> = {};
  for (const [key, f] of Object.entries(spec.flags)) {
    const given = parsed.values[key];
    if (f.type === 'boolean') {
      values[key] = given === true;
      continue;
    }
    const fromEnv = f.env ? env[f.env] : undefined;
    const raw = (given as string | undefined) ?? (fromEnv === '' ? undefined : fromEnv);
    const source = given !== undefined ? `--${key}` : `${f.env} (for --${key})`;
    if (raw === undefined) {
      if (f.type === 'string' && f.required) return { kind: 'error', message: `--${key} is required` };
      values[key] = f.default;
    } else if (f.type === 'string') {
      // Choices match case-insensitively and come back as the spec spells them.
      const choice = f.choices ? f.choices.find((c) => c.toLowerCase() === raw.toLowerCase()) : raw;
      if (choice === undefined) return { kind: 'error', message: `${source} must be one of ${f.choices!.join(', ')}: got '${raw}'` };
      values[key] = choice;
    } else {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (f.type === 'integer' && !(Number.isSafeInteger(n) && n >= 0))
        return { kind: 'error', message: `${source} must be a whole number ≥ 0: got '${raw}'` };
      if (!Number.isFinite(n)) return { kind: 'error', message: `${source} must be a number: got '${raw}'` };
      if (f.max !== undefined && n > f.max) return { kind: 'error', message: `${source} must be at most ${f.max}: got '${raw}'` };
      values[key] = n;
    }
  }
  return { kind: 'run', values: values as FlagValues<F>, positionals: parsed.positionals };
}

/** Stops the command with a usage error: the message on stderr, exit code 2. */
export function usageError(spec: CliSpec<Record<string, Flag>>, message: string): never {
  process.stderr.write(`${spec.name}: ${message}\nRun with --help for usage.\n`);
  process.exit(2);
}

/** Parses the process's arguments: prints --help and exits 0, or reports a usage error and exits 2. */
export function cliArgs<F extends Record<string, Flag>>(
  spec: CliSpec<F>,
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): { values: FlagValues<F>; positionals: string[] } {
  const r = parseCli(spec, argv, env);
  if (r.kind === 'help') {
    process.stdout.write(`${r.text}\n`);
    process.exit(0);
  }
  if (r.kind === 'error') usageError(spec, r.message);
  return r;
}
