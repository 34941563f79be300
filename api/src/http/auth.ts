// Bearer tokens, stored only as SHA-256 hashes, each bound to a tenant and a role. The set can
// be replaced while the API runs (a rotated token Secret): listeners hear which hashes left.
import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { HttpError } from './errors.ts';

export type Role = 'admin' | 'tenant';
export const SCOPES = ['read', 'create', 'change', 'delete'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  tenant: string;
  role: Role;
  /** What the token may do; an embedded element's token is typically read + create. */
  scopes?: readonly Scope[];
}

export interface TokenEntry extends Principal {
  sha256: string;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const principalKey = (p: Principal) => `${p.role}:${p.tenant}:${[...(p.scopes ?? SCOPES)].sort().join(',')}`;

export class TokenRegistry {
  private byHash = new Map<string, Principal>();
  private listeners = new Set<(changed: ReadonlySet<string>) => void>();

  constructor(entries: readonly TokenEntry[]) {
    this.replace(entries);
  }

  lookup(sha256: string): Principal | undefined {
    return this.byHash.get(sha256);
  }

  get size() {
    return this.byHash.size;
  }

  /** Swaps in a new token set; listeners get the hashes removed or given other rights. */
  replace(entries: readonly TokenEntry[]) {
    const next = new Map(entries.map((t) => [t.sha256, { tenant: t.tenant, role: t.role, scopes: t.scopes ?? SCOPES }]));
    const changed = new Set<string>();
    for (const [hash, before] of this.byHash) {
      const after = next.get(hash);
      if (!after || principalKey(after) !== principalKey(before)) changed.add(hash);
    }
    this.byHash = next;
    if (changed.size) for (const listener of this.listeners) listener(changed);
  }

  onRevoked(listener: (changed: ReadonlySet<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/**
 * Sets ctx.state.principal and ctx.state.tokenHash when the request carries a known token;
 * never refuses, so the rate limiter can tell verified callers from everyone else.
 */
export function identify(tokens: TokenRegistry) {
  return async (ctx: Context, next: Next) => {
    const match = BEARER.exec(ctx.get('Authorization'));
    if (match) {
      const sha256 = hashToken(match[1]!);
      const principal = tokens.lookup(sha256);
      if (principal) {
        ctx.state.principal = principal;
        ctx.state.tokenHash = sha256;
      }
    }
    await next();
  };
}

/** Refuses, with 401, a request that `identify` found no principal for. */
export async function requirePrincipal(ctx: Context, next: Next) {
  if (!ctx.state.principal) {
    throw new HttpError(401, 'unauthorized', 'A valid bearer token is required.', undefined, {
      'WWW-Authenticate': 'Bearer realm="storefleet"',
    });
  }
  await next();
}

/** Whether the principal may see a store of `tenant`; others get 404, never 403. */
export const canSee = (principal: Principal, tenant: string) => principal.role === 'admin' || principal.tenant === tenant;

/** Throws 403 unless the principal's token carries `scope`. */
export function requireScope(principal: Principal, scope: Scope) {
  if (!(principal.scopes ?? SCOPES).includes(scope)) {
    throw new HttpError(403, 'insufficient_scope', `This token may not ${scope} stores.`);
  }
}
