// Rate limits (koa-ratelimit): one budget for reading routes and a smaller one for changing
// routes, keyed by token (hashed), else by client IP. In memory by default; with a Redis
// client every API replica shares one budget.
import ratelimit from 'koa-ratelimit';
import type { Context, Middleware, Next } from 'koa';
import type { Redis } from 'ioredis';
import { hashToken } from './auth.ts';
import { HttpError } from './errors.ts';

export interface RateLimitSettings {
  durationMs: number;
  readMax: number;
  writeMax: number;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requesterKey(ctx: Context): string {
  const token = /^Bearer (\S+)$/.exec(ctx.get('Authorization'))?.[1];
  return token ? `token:${hashToken(token)}` : `ip:${ctx.ip}`;
}

export function rateLimit(settings: RateLimitSettings, redis?: Redis): Middleware {
  const store = redis ? { driver: 'redis' as const, db: redis } : { driver: 'memory' as const, db: new Map() };
  const limiter = (kind: 'read' | 'write', max: number) => ratelimit({
    ...store,
    duration: settings.durationMs,
    max,
    id: (ctx) => `storefleet:${kind}:${requesterKey(ctx)}`,
  });
  const read = limiter('read', settings.readMax);
  const write = limiter('write', settings.writeMax);

  return async (ctx: Context, next: Next) => {
    await (MUTATING.has(ctx.method) ? write : read)(ctx, next);
    if (ctx.status === 429 && ctx.state.rateLimit) {
      // koa-ratelimit rounds Retry-After down (0 with under a second left): round up instead.
      const reset = Number(ctx.response.get('X-RateLimit-Reset'));
      const after = Math.max(1, Math.ceil(reset - Date.now() / 1000));
      throw new HttpError(429, 'rate_limited', `Too many requests; retry in ${after} s.`, undefined, { 'Retry-After': String(after) });
    }
  };
}
