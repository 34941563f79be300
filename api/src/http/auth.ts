// Bearer tokens, stored only as SHA-256 hashes, each bound to a tenant and a role.
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

export function authenticate(tokens: readonly TokenEntry[]) {
  const byHash = new Map(tokens.map((t) => [t.sha256, { tenant: t.tenant, role: t.role, scopes: t.scopes ?? SCOPES }]));
  return async (ctx: Context, next: Next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(ctx.get('Authorization'));
    const principal = match ? byHash.get(hashToken(match[1]!)) : undefined;
    if (!principal) {
      throw new HttpError(401, 'unauthorized', 'A valid bearer token is required.', undefined, {
        'WWW-Authenticate': 'Bearer realm="storefleet"',
      });
    }
    ctx.state.principal = principal;
    await next();
  };
}

/** Whether the principal may see a store of `tenant`; others get 404, never 403. */
export const canSee = (principal: Principal, tenant: string) => principal.role === 'admin' || principal.tenant === tenant;

/** Throws 403 unless the principal's token carries `scope`. */
export function requireScope(principal: Principal, scope: Scope) {
  if (!(principal.scopes ?? SCOPES).includes(scope)) {
    throw new HttpError(403, 'insufficient_scope', `This token may not ${scope} stores.`);
  }
}
