// The host rule a store's host must meet, for a create and for a change of host alike.
import { allowedHosts, type HostPolicy, hostProblem } from '../store/host-rules.ts';
import { HostNotAllowed } from './operation-context.ts';

export function checkHost(policy: HostPolicy, name: string, tenant: string, host: string): void {
  const problem = hostProblem(host, name, tenant, policy);
  if (problem) throw new HostNotAllowed(problem, allowedHosts(name, tenant, policy));
}
