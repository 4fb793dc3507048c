import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that carry credentials or personal data. They are redacted wherever they appear in a
 * log line's top three levels (`apiKey`, `store.apiKey`, `req.headers.authorization`, …).
 */
export const REDACTED_KEYS = [
  'apiKey',
  'key',
  'orderAheadToken',
  'clientSecret',
  'client_secret',
  'accessToken',
  'access_token',
  'token',
  'password',
  'authorization',
  'Authorization',
  'statusWebhookSecret',
  'statusWebhookPreviousSecret',
  'secret',
  'phone',
  'medicalId',
  'medId',
  'medicalIdExpiration',
  'medExp',
  'birthDate',
  'email',
  'cookie',
] as const;

const redactPaths = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export interface LoggerSettings {
  name: string;
  level?: LoggerOptions['level'];
  /** Human-readable lines (pino-pretty). Defaults to true on a terminal, JSON otherwise. */
  pretty?: boolean;
  /** Where JSON lines go (tests capture them). Ignored when pretty. */
  destination?: pino.DestinationStream;
}

export function createLogger({ name, level = 'info', pretty = Boolean(process.stdout.isTTY), destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    base: { name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (pretty && !destination) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } } });
  }
  return destination ? pino(options, destination) : pino(options);
}
