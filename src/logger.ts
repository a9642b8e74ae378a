import pino, { type Logger } from 'pino';

export type { Logger };

// Keys that hold credentials wherever they appear (top level or one object down). pino's redaction
// has no recursive wildcard, so deeper places are listed where the code attaches them.
const SECRET_KEYS = [
  'password',
  'passwordHash',
  'token',
  'accessToken',
  'access_token',
  'secret',
  'corpSecret',
  'corpsecret',
  'aesKey',
  'encodingAESKey',
  'robotKey',
  'authorization',
  'cookie',
];

/** Root logger; secrets are redacted wherever they might be attached to a log record. */
export function makeLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'fiscal-bill-desk' },
    redact: {
      paths: [
        ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        // TypeORM's QueryFailedError carries the bound values (a user insert binds the password hash).
        'err.parameters',
        '*.err.parameters',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
