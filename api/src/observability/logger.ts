// Structured JSON logs (pino): one object per line, level as a name, ISO time.
import { pino } from 'pino';

/** What the platform logs through: pino's shape, so tests can pass a plain object. */
export interface Logger {
  info(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'storefleet-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Errors logged as `err` keep their message and stack.
    serializers: { err: pino.stdSerializers.err },
  });
}
