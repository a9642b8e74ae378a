import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';

/** A registry every route module adds its paths to. */
export function makeRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/** The OpenAPI 3.0 document generated from the registered zod schemas. */
export function buildOpenApiDocument(registry: OpenAPIRegistry): object {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: '财政票据服务台 API (fiscal-bill help desk)',
      version: '1.0.0',
      description:
        'Admin REST API of the fiscal-bill help desk. Errors: { error: { code, message, details } }. ' +
        'Lists: ?page=&pageSize= (≤ 200). Times are ISO 8601; business time zone Asia/Shanghai.',
    },
    servers: [{ url: '/' }],
  });
}
