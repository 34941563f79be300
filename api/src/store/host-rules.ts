// Which hosts a store may have: its own <name>.<base domain>, or a host under a domain the
// platform operator gave its tenant; never a platform host. Pure, so the rule is tested as
// data; that no two stores hold one host is enforced in the cluster (host-claims.ts).

export interface HostPolicy {
  baseDomain: string;
  /** Tenant → domains its stores may use (the domain itself and any host under it). */
  tenantDomains: Readonly<Record<string, readonly string[]>>;
  /** The dashboard's and API's hosts, and anything else the platform serves: never a store's. */
  platformHosts: readonly string[];
}

/** Whether `host` is `domain` or a host under it. */
export const isWithin = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** The hosts the store may have, to tell the user what would be accepted. */
export function allowedHosts(name: string, tenant: string, policy: HostPolicy): string[] {
  return [`${name}.${policy.baseDomain}`, ...(policy.tenantDomains[tenant] ?? []).flatMap((domain) => [domain, `*.${domain}`])];
}

/** Why the store may not have this host, or undefined when it may. */
export function hostProblem(host: string, name: string, tenant: string, policy: HostPolicy): string | undefined {
  if (policy.platformHosts.some((platformHost) => isWithin(host, platformHost))) {
    return `The host "${host}" belongs to the platform itself; no store may have it.`;
  }
  const own = `${name}.${policy.baseDomain}`;
  if (host === own) return undefined;
  // Every other name under the base domain is some store's, now or later.
  if (isWithin(host, policy.baseDomain)) {
    return `Hosts under ${policy.baseDomain} are store names: store "${name}" may have ${own} only.`;
  }
  if ((policy.tenantDomains[tenant] ?? []).some((domain) => isWithin(host, domain))) return undefined;
  return `Tenant "${tenant}" may not use the host "${host}"; allowed: ${allowedHosts(name, tenant, policy).join(', ')}.`;
}

/**
 * Why a policy cannot be used, or undefined: a tenant domain inside the base domain would
 * let the tenant take other stores' hosts, and one domain given to two tenants (or one inside
 * another's) would let both claim the same hosts.
 */
export function hostPolicyProblem(policy: HostPolicy): string | undefined {
  const owners = Object.entries(policy.tenantDomains).flatMap(([tenant, domains]) => domains.map((domain) => ({ tenant, domain })));
  for (const { tenant, domain } of owners) {
    if (isWithin(domain, policy.baseDomain)) return `Tenant "${tenant}" is given ${domain}, which is inside the base domain ${policy.baseDomain}.`;
    const other = owners.find((o) => o.tenant !== tenant && isWithin(domain, o.domain));
    if (other) return `Tenant "${tenant}" is given ${domain}, which is inside ${other.domain} of tenant "${other.tenant}".`;
  }
  return undefined;
}
