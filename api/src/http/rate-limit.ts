// Rate limits (koa-ratelimit): a budget for reading routes and a smaller one for changing
// routes per verified token (its hash, so an unknown token never makes a budget of its own),
// and one small budget per client address for requests without a valid token. In memory the
// budgets are bounded maps (the oldest forgotten first); with a Redis client every API replica
// shares them and Redis expires them with the window.
import ratelimit from 'koa-ratelimit';
import type { Context, Middleware, Next } from 'koa';
import type { Redis } from 'ioredis';
import { addressKey } from './client-address.ts';
import { HttpError } from './errors.ts';

export interface RateLimitSettings {
  durationMs: number;
  readMax: number;
  writeMax: number;
  /** Requests without a valid token per client address. */
  anonymousMax: number;
  /** Most budgets each in-memory map keeps. */
  maxKeys: number;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A Map (what koa-ratelimit's memory driver takes) that forgets its oldest key when full. */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly maxSize: number;

  constructor(maxSize: number) {
    super();
    this.maxSize = maxSize;
  }

  override set(key: K, value: V): this {
    // Re-setting moves a key to the back: koa-ratelimit sets a key when its window starts.
    if (this.has(key)) this.delete(key);
    else if (this.size >= this.maxSize) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}

export type Budget = 'read' | 'write' | 'anonymous';

/** Which budget a request spends, and under which key (pure: reads what `identify` set). */
export function budgetOf(ctx: Pick<Context, 'method' | 'ip' | 'state'>): { budget: Budget; key: string } {
  const tokenHash = ctx.state.tokenHash as string | undefined;
  if (!tokenHash) return { budget: 'anonymous', key: `ip:${addressKey(ctx.ip)}` };
  return { budget: MUTATING.has(ctx.method) ? 'write' : 'read', key: `token:${tokenHash}` };
}

export function rateLimit(settings: RateLimitSettings, redis?: Redis): Middleware {
  const limiter = (budget: Budget, max: number) => ratelimit({
    ...(redis ? { driver: 'redis' as const, db: redis } : { driver: 'memory' as const, db: new BoundedMap(settings.maxKeys) }),
    duration: settings.durationMs,
    max,
    id: (ctx) => `storefleet:${budget}:${budgetOf(ctx).key}`,
  });
  const limiters: Record<Budget, Middleware> = {
    read: limiter('read', settings.readMax),
    write: limiter('write', settings.writeMax),
    anonymous: limiter('anonymous', settings.anonymousMax),
  };

  return async (ctx: Context, next: Next) => {
    await limiters[budgetOf(ctx).budget](ctx, next);
    if (ctx.status === 429 && ctx.state.rateLimit) {
      // koa-ratelimit rounds Retry-After down (0 with under a second left): round up instead.
      const reset = Number(ctx.response.get('X-RateLimit-Reset'));
      const after = Math.max(1, Math.ceil(reset - Date.now() / 1000));
      throw new HttpError(429, 'rate_limited', `Too many requests; retry in ${after} s.`, undefined, { 'Retry-After': String(after) });
    }
  };
}
