// Structured JSON logs (pino): one object per line, level as a name, ISO time.
import { pino } from 'pino';
import type { Logger } from '../provisioning/reconciler.ts';

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
