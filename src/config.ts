import { z } from 'zod';
import { DEFAULT_CODE_CACHE_DIR } from './boot/code-cache';
import { passwordProblem } from './domain/identity/password-policy';

/** Parses a boolean-ish environment value ("1", "true", "yes"). */
const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase()));

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

// Bull cron: minute hour day month weekday (a sixth leading field = seconds), read in Asia/Shanghai.
const cron = z
  .string()
  .trim()
  .regex(/^[\d*/,?LW#A-Za-z-]+(\s+[\d*/,?LW#A-Za-z-]+){4,5}$/, 'must be a cron expression: minute hour day month weekday');

// The configuration contract of api.md; this is the only reader of process.env (but for CODE_CACHE_DIR,
// which boot/start-code-cache.ts must read before any of this loads).
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .default('sqlite:./data/fiscal-bill-desk.sqlite')
    .refine((v) => v.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(v), {
      message: 'must be sqlite:<path>, sqlite::memory: or postgres://…',
    }),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z.string().min(1).default('fbd'),
  ADMIN_USERNAME: optionalText,
  ADMIN_PASSWORD: optionalText,
  AUTH_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters',
  }),
  TOKEN_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(8 * 3600),
  // Login attempts per client address and window (Redis; the database while Redis is down).
  LOGIN_MAX_PER_ADDRESS: z.coerce.number().int().min(1).default(60),
  LOGIN_WINDOW_S: z.coerce
    .number()
    .int()
    .min(10)
    .max(24 * 3600)
    .default(600),
  // Behind a reverse proxy that sets X-Forwarded-For/-Proto/-Host: trust those headers. Off = a client cannot forge its address.
  TRUST_PROXY: flag,
  // Bearer token of GET /metrics: a secret, so no default (without it /metrics is not served).
  METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 24, { message: 'must be at least 24 characters' }),
  // 不相容岗位相互分离: the maker of a document cannot check it. Only a one-person office switches it off (audited, inspected).
  SEPARATION_OF_DUTIES: z
    .string()
    .optional()
    .transform((v) => v === undefined || !['0', 'false', 'no', 'off'].includes(v.toLowerCase())),
  WECOM_CORP_ID: optionalText,
  WECOM_AGENT_ID: optionalText.pipe(z.string().regex(/^\d+$/, 'must be digits').optional()),
  WECOM_SECRET: optionalText,
  WECOM_TOKEN: optionalText.pipe(z.string().max(32, 'must be at most 32 characters').optional()),
  WECOM_AES_KEY: optionalText.pipe(z.string().length(43, 'must be 43 characters').optional()),
  WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com'),
  // Web authorisation (网页授权) of the /m/ pages inside WeCom: the authorise page's host.
  WECOM_OAUTH_BASE: z.string().url().default('https://open.weixin.qq.com'),
  WECOM_ROBOT_KEY: optionalText,
  WECOM_REPLAY_WINDOW_S: z.coerce.number().int().min(0).default(600),
  // Chosen by measurement (docs/nlp-evaluation.md): best in-scope accuracy with ≥ 85 % of off-topic text escalated.
  NLP_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  KB_DIR: z.string().min(1).default('knowledge-base'),
  NLP_MODEL_DIR: z.string().min(1).default('data/nlp-models'),
  // V8's compiled code of the modules, for a faster start (src/boot/start-code-cache.ts reads it first); `off` = none.
  CODE_CACHE_DIR: z.string().trim().min(1).default(DEFAULT_CODE_CACHE_DIR),
  DEMO: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WORKERS: z.enum(['inline', 'off']).default('inline'),
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:3000'),
  // The workbench's Vite build (npm run build), served under /m/ and /console/.
  WEB_DIR: z.string().min(1).default('dist/web'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/i)
    .default('1mb'),
  SUMMARY_CRON: cron.default('30 8 * * 1'),
  SUMMARY_MONTHLY_CRON: cron.default('0 9 1 * *'),
  // Integration token of POST /api/v1/alerts*: a secret, so no default (intake off without it).
  ALERTS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 24, { message: 'must be at least 24 characters' }),
  MONITOR_EVERY_S: z.coerce.number().int().min(10).max(3600).default(60),
  MONITOR_FAILURES_BEFORE_ALERT: z.coerce.number().int().min(1).max(10).default(2),
  MONITOR_DATA_DIR: z.string().min(1).default('data'),
  MONITOR_DISK_MIN_FREE_PCT: z.coerce.number().min(0).max(100).default(10),
  MONITOR_QUEUE_BACKLOG_MAX: z.coerce.number().int().min(1).default(1000),
  MONITOR_QUEUE_FAILED_MAX: z.coerce.number().int().min(1).default(50),
  INSPECTION_CRON: cron.default('0 7 * * *'),
  BACKUP_DIR: optionalText,
  BACKUP_MAX_AGE_H: z.coerce
    .number()
    .min(1)
    .max(24 * 30)
    .default(26),
  INSPECTION_DB_MAX_MB: z.coerce.number().int().min(1).default(20_480),
  // WeCom's own limits by default; raise only against the fake server (load tests).
  WECOM_MEMBER_PER_MIN: z.coerce.number().int().min(1).default(30),
  WECOM_MEMBER_PER_HOUR: z.coerce.number().int().min(1).default(1000),
  WECOM_ROBOT_PER_MIN: z.coerce.number().int().min(1).default(20),
  // Bull: a worker that dies mid-job loses its lock after QUEUE_LOCK_DURATION_MS; another worker
  // notices within QUEUE_STALLED_INTERVAL_MS and runs the job again.
  QUEUE_LOCK_DURATION_MS: z.coerce.number().int().min(1000).default(30_000),
  QUEUE_STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
});

export type Config = z.infer<typeof envSchema>;

/** Reads and checks the environment once; a bad value throws naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`NLP_THRESHOLD=` copied from .env.example) means "not set", not 0 or "".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = parsed.data;
  if ((cfg.ADMIN_USERNAME === undefined) !== (cfg.ADMIN_PASSWORD === undefined)) {
    throw new Error('Invalid configuration:\n  ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  }
  const weak = cfg.ADMIN_PASSWORD === undefined ? null : passwordProblem(cfg.ADMIN_PASSWORD, cfg.ADMIN_USERNAME);
  if (weak) throw new Error(`Invalid configuration:\n  ADMIN_PASSWORD: ${weak} (the password policy applies to the first admin too)`);
  return cfg;
}
