// Gathers the checks /readyz answers with (caches synced, cluster reachable, permissions held,
// Redis answering, not draining) and logs one line each time the answer changes, so the line
// that says what is wrong is the first thing an operator sees after the start line.
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.ts';
import { type Check, describeReport, isTrouble, readinessReport, type ReadinessReport } from './report.ts';

type Source = () => Check;

export class Readiness {
  private readonly sources = new Map<string, Source>();
  private draining = false;

  /** Adds (or replaces) the check of that name; checks are reported in the order first added. */
  add(name: string, source: Source): void {
    this.sources.set(name, source);
  }

  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  report(): ReadinessReport {
    return readinessReport([...this.sources.values()].map((source) => source()), this.draining);
  }

  /** Logs the report whenever what it says changes (checked every `everyMs`). Returns the stop. */
  logChanges(logger: Logger, everyMs = 1000): () => void {
    let last = '';
    const look = () => {
      const report = this.report();
      const line = describeReport(report);
      if (line === last) return;
      last = line;
      const failing = report.checks.filter((check) => !check.ok);
      if (isTrouble(report)) logger.error({ readiness: failing }, line);
      else logger.info({ readiness: failing }, line);
    };
    look();
    const timer = setInterval(look, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/** Redis as a check: ok only while connected; else its state and the last error it gave. */
export function redisCheck(redis: Redis): Source {
  let lastError: string | undefined;
  // Also keeps ioredis from printing each failed reconnect as an unhandled error.
  redis.on('error', (error: NodeJS.ErrnoException) => { lastError = error.code ?? error.message; });
  redis.on('ready', () => { lastError = undefined; });
  return () => (redis.status === 'ready'
    ? { name: 'redis', ok: true }
    // The error, not the status: ioredis goes connecting → reconnecting on every retry, and the reason should stay put.
    : { name: 'redis', ok: false, reason: `${lastError ?? redis.status} (${redis.options.host}:${redis.options.port})` });
}
