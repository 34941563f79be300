// The HTTP side of readiness: the /readyz answer, the refusal of API requests the API cannot
// serve now (report.ts decides), and the whole server's answer before the app exists.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context, Next } from 'koa';
import { type ReadinessReport, refusal } from './report.ts';

export const LIVENESS_PATHS = new Set(['/livez', '/healthz']);

export function readyzAnswer(report: ReadinessReport): { status: number; body: ReadinessReport } {
  return { status: report.ready ? 200 : 503, body: report };
}

/** Koa middleware in front of the API routes: a 503 with Retry-After while they cannot be served. */
export function readinessGate(report: () => ReadinessReport) {
  return async (ctx: Context, next: Next) => {
    const refused = refusal(report(), ctx.method);
    if (!refused) return next();
    ctx.status = refused.status;
    ctx.set('Retry-After', String(refused.retryAfterSeconds));
    ctx.body = { error: { code: refused.code, message: refused.message } };
  };
}

/**
 * The server's handler while the caches sync: liveness answers, /readyz says what is missing,
 * everything else is a 503 the client may retry. The server listens from the first moment,
 * so the kubelet's probes and the operator see why it is not ready yet.
 */
export function startingHandler(report: () => ReadinessReport) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
      response.end(JSON.stringify(body));
    };
    if (LIVENESS_PATHS.has(path)) return send(200, { status: 'ok' });
    const now = report();
    if (path === '/readyz') {
      const { status, body } = readyzAnswer(now);
      return send(status, body);
    }
    const refused = refusal(now, request.method ?? 'GET')
      ?? { status: 503, code: 'starting', message: 'The API is starting; try again in a moment.', retryAfterSeconds: 2 };
    send(refused.status, { error: { code: refused.code, message: refused.message } }, { 'Retry-After': String(refused.retryAfterSeconds) });
  };
}
