// Pure builders for the guardrails the platform puts on a store namespace before anything
// is installed in it. The provisioner's Role has no verbs on these kinds, so a store's own
// install can never loosen them.
import type { V1LimitRange, V1NetworkPolicy, V1ResourceQuota, V1ServiceAccount } from '@kubernetes/client-node';
import type { Plan } from '../store/plans.ts';

export function buildResourceQuota(plan: Plan): V1ResourceQuota {
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name: 'store-quota' },
    spec: { hard: { ...plan.quota } },
  };
}

export function buildLimitRange(plan: Plan): V1LimitRange {
  const { max, default: defaultLimits, defaultRequest, maxStorage } = plan.limitRange;
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'store-limits' },
    spec: {
      limits: [
        // client-node names the "default" field _default (a reserved word in its generator).
        { type: 'Container', max: { ...max }, _default: { ...defaultLimits }, defaultRequest: { ...defaultRequest } },
        { type: 'PersistentVolumeClaim', max: { storage: maxStorage } },
      ],
    },
  };
}

export interface NetworkPolicyOptions {
  /** Namespace of the ingress controller whose pods may reach WordPress. */
  ingressNamespace: string;
  /** IPv4 CIDRs inside the cluster (pods, services, nodes): HTTPS egress may go anywhere else. */
  clusterCidrs: string[];
  /** DNS servers that are not kube-dns pods (a node-local cache, a host CoreDNS), as IPv4 CIDRs. */
  dnsCidrs: string[];
}

const allPods = {};
const storeComponent = (component: string) => ({
  matchLabels: { 'app.kubernetes.io/name': 'woocommerce-store', 'app.kubernetes.io/component': component },
});
/** The cluster DNS as every distribution labels it (kubeadm, k3s, kind, EKS, GKE). */
const kubeDns = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

/**
 * The baseline: deny all traffic, then allow DNS to the cluster DNS only, HTTPS to outside the
 * cluster only (so a store reaches no other store, nor the platform, on any port), the ingress
 * controller to WordPress, and the store's own app-level paths (the chart's NetworkPolicies
 * are off under the platform: its provisioner may not write NetworkPolicies, so it can never
 * widen these).
 */
export function buildNetworkPolicies({ ingressNamespace, clusterCidrs, dnsCidrs }: NetworkPolicyOptions): V1NetworkPolicy[] {
  const policy = (name: string, spec: V1NetworkPolicy['spec']): V1NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name },
    spec,
  });
  return [
    policy('default-deny', { podSelector: allPods, policyTypes: ['Ingress', 'Egress'] }),
    policy('allow-dns', {
      podSelector: allPods,
      policyTypes: ['Egress'],
      egress: [{
        to: [kubeDns, ...dnsCidrs.map((cidr) => ({ ipBlock: { cidr } }))],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    }),
    policy('allow-ingress-controller', {
      podSelector: storeComponent('wordpress'),
      policyTypes: ['Ingress'],
      ingress: [{
        _from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ingressNamespace } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      }],
    }),
    policy('allow-wordpress-clients', {
      podSelector: storeComponent('wordpress'),
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: { matchLabels: { 'storefleet.io/wordpress-client': 'true' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    }),
    policy('allow-mariadb-clients', {
      podSelector: storeComponent('mariadb'),
      policyTypes: ['Ingress'],
      ingress: [{ _from: [{ podSelector: { matchLabels: { 'storefleet.io/db-client': 'true' } } }], ports: [{ protocol: 'TCP', port: 3306 }] }],
    }),
    policy('allow-store-egress', {
      podSelector: { matchLabels: { 'storefleet.io/db-client': 'true' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: storeComponent('mariadb') }], ports: [{ protocol: 'TCP', port: 3306 }] }],
    }),
    // WordPress and its setup Job download plugins and updates over HTTPS, from outside.
    policy('allow-https-egress', {
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'woocommerce-store' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...clusterCidrs] } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    }),
    policy('allow-wordpress-client-egress', {
      podSelector: { matchLabels: { 'storefleet.io/wordpress-client': 'true' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: storeComponent('wordpress') }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    }),
  ];
}

/** The namespace's default ServiceAccount: store pods get no API token. */
export function buildDefaultServiceAccount(): V1ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' }, automountServiceAccountToken: false };
}
