/**
 * pino logger: JSON in production, readable lines in development.
 * Personal data (phones, reporters) and credentials are redacted wherever they appear.
 */
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'apiKey',
  'key',
  '*.phone',
  '*.*.phone',
  'reporter',
  '*.reporter',
  '*.*.reporter',
];

export function createLogger(options: { level: string; production: boolean; name?: string }): Logger {
  const pretty = !options.production && process.stdout.isTTY;
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    transport: pretty ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
  });
}

export type { Logger };
