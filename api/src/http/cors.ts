// CORS for pages that embed <store-manager> from another origin: only the configured origins
// (none by default) get Access-Control-* headers, on the API and on the bundle alike. Runs
// before rate limits and authentication, because a browser's preflight carries no token; a
// preflight from any other origin is refused with 403.
import cors from '@koa/cors';
import type { Context, Middleware, Next } from 'koa';
import { HttpError } from './errors.ts';

export function corsFor(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  const answer = cors({
    origin: (ctx) => (allowed.has(ctx.get('Origin')) ? ctx.get('Origin') : ''),
    allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Last-Event-ID', 'X-Request-Id'],
    exposeHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'WWW-Authenticate'],
    // Bearer tokens, no cookies: the browser never sends credentials it holds for the API.
    credentials: false,
    maxAge: 600,
  });
  return async (ctx: Context, next: Next) => {
    const origin = ctx.get('Origin');
    if (ctx.method === 'OPTIONS' && origin && ctx.get('Access-Control-Request-Method') && !allowed.has(origin)) {
      ctx.vary('Origin');
      throw new HttpError(403, 'origin_not_allowed', `Pages from ${origin.slice(0, 200)} may not call this API; its operator can add the origin to STOREFLEET_ALLOWED_ORIGINS.`);
    }
    await answer(ctx, next);
  };
}
