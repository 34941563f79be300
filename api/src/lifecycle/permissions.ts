// The cluster permissions the API needs in its own right (k8s/base/api-rbac.yaml), asked of
// the cluster with SelfSubjectAccessReviews at start and now and then, so an API that lacks
// one (a new release needing a resource its old RBAC does not grant) says which at once,
// instead of failing a create half-way. What it holds inside each store namespace comes from
// the RoleBinding it makes there, so it is not asked here.
import * as k8s from '@kubernetes/client-node';
import { PLATFORM_NAMESPACE } from '../store/names.ts';
import { describeKubeError } from './kube-error.ts';
import type { Check } from './report.ts';

export interface Access {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const all = (verbs: string[], access: Omit<Access, 'verb'>): Access[] => verbs.map((verb) => ({ verb, ...access }));

/** Keep in step with k8s/base/api-rbac.yaml (cluster-wide and storefleet-system rules). */
export const REQUIRED_ACCESS: readonly Access[] = [
  ...all(['create', 'get', 'list', 'watch', 'update', 'delete'], { resource: 'namespaces' }),
  { verb: 'create', resource: 'rolebindings', group: 'rbac.authorization.k8s.io' },
  ...['storefleet-provisioner', 'storefleet-api-store-reader', 'storefleet-api-store-writer']
    .map((name) => ({ verb: 'bind', resource: 'clusterroles', group: 'rbac.authorization.k8s.io', name })),
  ...all(['create', 'get', 'list', 'watch', 'patch', 'delete'], { resource: 'jobs', group: 'batch', namespace: PLATFORM_NAMESPACE }),
  ...['serviceaccounts', 'configmaps'].flatMap((resource) => all(['create', 'get', 'list', 'watch', 'update', 'delete'], { resource, namespace: PLATFORM_NAMESPACE })),
  ...all(['get', 'list', 'watch'], { resource: 'pods', namespace: PLATFORM_NAMESPACE }),
  { verb: 'get', resource: 'pods', subresource: 'log', namespace: PLATFORM_NAMESPACE },
  { verb: 'create', resource: 'events', namespace: PLATFORM_NAMESPACE },
  ...all(['create', 'get', 'list', 'delete', 'deletecollection'], { resource: 'leases', group: 'coordination.k8s.io', namespace: PLATFORM_NAMESPACE }),
  { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: PLATFORM_NAMESPACE, name: 'storefleet-provisioning-queue' },
];

/** Room admission's (capacity/): the nodes' allocatable and whether they take pods. */
export const ROOM_ACCESS: readonly Access[] = all(['get', 'list', 'watch'], { resource: 'nodes' });

/** `create leases.coordination.k8s.io in storefleet-system`: what kubectl auth can-i takes. */
export function describeAccess({ verb, resource, group, subresource, namespace, name }: Access): string {
  const kind = `${resource}${subresource ? `/${subresource}` : ''}${group ? `.${group}` : ''}${name ? ` "${name}"` : ''}`;
  return `${verb} ${kind}${namespace ? ` in ${namespace}` : ' cluster-wide'}`;
}

/** The check from what was asked: each denied access named, the first few in full. */
export function permissionsCheck(denied: readonly Access[], unanswered?: string): Check {
  if (unanswered) return { name: 'permissions', ok: false, reason: `not checked: ${unanswered}` };
  if (denied.length === 0) return { name: 'permissions', ok: true };
  const shown = denied.slice(0, 5).map(describeAccess).join(', ');
  return { name: 'permissions', ok: false, reason: `missing: ${shown}${denied.length > 5 ? ` and ${denied.length - 5} more` : ''}` };
}

/** Asks the cluster about every required access; throws when it cannot be asked at all. */
export async function deniedAccess(kubeConfig: k8s.KubeConfig, required: readonly Access[] = REQUIRED_ACCESS): Promise<Access[]> {
  const api = kubeConfig.makeApiClient(k8s.AuthorizationV1Api);
  const answers = await Promise.all(required.map(async (access) => {
    const review = await api.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: access.verb, resource: access.resource, group: access.group ?? '', subresource: access.subresource, namespace: access.namespace, name: access.name } } },
    });
    return review.status?.allowed ? undefined : access;
  }));
  return answers.filter((access): access is Access => access !== undefined);
}

/** Checks at start and every `everyMs` (RBAC can be fixed, or taken away, without a restart). */
export class PermissionsCheck {
  private current: Check = { name: 'permissions', ok: false, reason: 'not checked yet' };
  private readonly kubeConfig: k8s.KubeConfig;
  private readonly everyMs: number;

  private readonly required: readonly Access[];

  constructor(kubeConfig: k8s.KubeConfig, everyMs: number, required: readonly Access[] = REQUIRED_ACCESS) {
    this.kubeConfig = kubeConfig;
    this.everyMs = everyMs;
    this.required = required;
  }

  check(): Check {
    return this.current;
  }

  start(): () => void {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const round = async () => {
      try {
        this.current = permissionsCheck(await deniedAccess(this.kubeConfig, this.required));
      } catch (error) {
        // Unreachable is the cluster check's to say; this one says only that it could not ask.
        if (!this.current.ok) this.current = permissionsCheck([], describeKubeError(error));
      }
      // Asked again soon while not known to be fine, rarely once it is.
      if (!stopped) timer = setTimeout(() => void round(), this.current.ok ? this.everyMs : Math.min(this.everyMs, 5_000));
    };
    void round();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }
}
