import pino, { type Logger } from 'pino';

export type { Logger };

/** Root logger; secrets are redacted wherever they might be attached to a log record. */
export function makeLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'fiscal-bill-desk' },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'req.headers.authorization',
        'headers.authorization',
        'secret',
        '*.secret',
        'accessToken',
        '*.accessToken',
      ],
      censor: '[redacted]',
    },
  });
}
