import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { REASONS, type Reason } from '../domain/errors';

// registry.register() names a component through zod's .openapi(), which this adds.
extendZodWithOpenApi(z);

const REASON_KEYS = Object.keys(REASONS) as [Reason, ...Reason[]];

/** The reasons as a Markdown table: the OpenAPI document is where client authors look them up. */
const reasonTable = ['| reason | meaning |', '| --- | --- |', ...REASON_KEYS.map((r) => `| \`${r}\` | ${REASONS[r]} |`)].join('\n');

/** The error body of every 4xx/5xx (api.md). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(['VALIDATION', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'UNAUTHENTICATED', 'RATE_LIMITED', 'INTERNAL']),
    message: z.string().describe('Human text, Chinese for unit staff'),
    reason: z.enum(REASON_KEYS).optional().describe(`Stable machine code of the refusal (absent on 500):\n\n${reasonTable}`),
    details: z.array(z.unknown()),
  }),
});

// The Error component as registered in each registry (routes reference it, so it appears once).
const errorComponents = new WeakMap<OpenAPIRegistry, z.ZodType>();

/** A registry every route module adds its paths to, with the bearer scheme and the Error component. */
export function makeRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  errorComponents.set(registry, registry.register('Error', errorBodySchema));
  return registry;
}

/** Error responses of a route, each with the Error body. */
export function errorResponses(registry: OpenAPIRegistry, statuses: Record<number, string>) {
  const schema = errorComponents.get(registry) ?? errorBodySchema;
  return Object.fromEntries(
    Object.entries(statuses).map(([status, description]) => [status, { description, content: { 'application/json': { schema } } }]),
  );
}

/** The OpenAPI 3.0 document generated from the registered zod schemas. */
export function buildOpenApiDocument(registry: OpenAPIRegistry): object {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: '财政票据服务台 API (fiscal-bill help desk)',
      version: '1.0.0',
      description:
        'Admin REST API of the fiscal-bill help desk. Errors: { error: { code, message, reason, details } } — ' +
        '`reason` is a stable machine code (see the Error schema for the list). ' +
        'Lists: ?page=&pageSize= (≤ 200). Times are ISO 8601; business time zone Asia/Shanghai.',
    },
    servers: [{ url: '/' }],
  });
}
