import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { Clock } from '../domain/clock';
import type { DomainServices } from '../domain/services';
import type { Logger } from '../logger';
import type { TokenService } from './auth/token';
import type { WebSessions } from './auth/web-session';
import type { WecomOAuth } from './web/wecom-oauth';

export type CheckStatus = 'ok' | 'degraded' | 'down';
export interface HealthReport {
  status: CheckStatus;
  checks: Record<string, { status: CheckStatus; detail?: string }>;
}

/** Routes contributed by another part (bot, jobs) without the API importing it. */
export interface ApiPlugin {
  /** `api` is mounted at /api/v1 behind authentication; `open` is unauthenticated (own checks). */
  register(routers: { api: Router; open: Router; registry: OpenAPIRegistry }): void;
}

export interface AppDeps {
  /** One round trip to the database: its failure makes the service `down`. */
  ping(): Promise<void>;
  logger: Logger;
  clock: Clock;
  tokens: TokenService;
  /** The workbench's cookie sessions; without it only bearer tokens are accepted. */
  webSessions?: WebSessions;
  /** The built workbench (dist/web) served under /m/ and /console/; without it those paths are not served. */
  web?: WebOptions;
  metrics: Registry;
  services: DomainServices;
  bodyLimit?: string;
  /** TRUST_PROXY: honour X-Forwarded-For/-Proto/-Host. */
  trustProxy?: boolean;
  /** METRICS_TOKEN: the bearer token GET /metrics requires; without it /metrics is not served. */
  metricsToken?: string;
  /** Extra health checks (redis, queues); the database check is built in. */
  healthChecks?: Record<string, () => Promise<{ status: CheckStatus; detail?: string }>>;
  plugins?: ApiPlugin[];
}

export interface WebOptions {
  /** The directory of the Vite build (index.html of each entry, assets/). */
  dir: string;
  /** WeCom web authorisation for /m/; null when WeCom is not configured (the pages then take a password only). */
  wecomOAuth?: WecomOAuth | null;
}
