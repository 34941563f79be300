import { describe, expect, it } from 'vitest';
import { describeAccess, permissionsCheck, REQUIRED_ACCESS } from './permissions.ts';

describe('permissions', () => {
  it('names an access as kubectl auth can-i would take it', () => {
    expect(describeAccess({ verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: 'storefleet-system' }))
      .toBe('create leases.coordination.k8s.io in storefleet-system');
    expect(describeAccess({ verb: 'get', resource: 'pods', subresource: 'log', namespace: 'storefleet-system' })).toBe('get pods/log in storefleet-system');
    expect(describeAccess({ verb: 'list', resource: 'namespaces' })).toBe('list namespaces cluster-wide');
    expect(describeAccess({ verb: 'bind', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', name: 'storefleet-provisioner' }))
      .toBe('bind clusterroles.rbac.authorization.k8s.io "storefleet-provisioner" cluster-wide');
  });

  it('is met with nothing denied, and names what is denied otherwise', () => {
    expect(permissionsCheck([])).toEqual({ name: 'permissions', ok: true });
    const denied = REQUIRED_ACCESS.filter((access) => access.resource === 'leases');
    const check = permissionsCheck(denied);
    expect(check.ok).toBe(false);
    expect(check.reason).toMatch(/^missing: create leases\.coordination\.k8s\.io in storefleet-system, get leases/);
    expect(check.reason).toMatch(/and 1 more$/);
  });

  it('says so when it could not ask', () => {
    expect(permissionsCheck([], 'ECONNREFUSED')).toEqual({ name: 'permissions', ok: false, reason: 'not checked: ECONNREFUSED' });
  });

  it('asks for every verb the API role grants in the platform namespace', () => {
    const jobs = REQUIRED_ACCESS.filter((access) => access.resource === 'jobs').map((access) => access.verb);
    expect(jobs).toEqual(['create', 'get', 'list', 'watch', 'patch', 'delete']);
  });
});
