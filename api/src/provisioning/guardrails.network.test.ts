// The store's NetworkPolicies as data; that the cluster enforces them is shown by
// cluster/test/network-policy.cluster.test.ts.
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildNetworkPolicies } from './guardrails.ts';

const policies = buildNetworkPolicies({
  ingressNamespace: 'traefik',
  clusterCidrs: ['10.42.0.0/16', '10.43.0.0/16'],
  dnsCidrs: ['169.254.20.10/32'],
});
const byName = (name: string): V1NetworkPolicy => policies.find((policy) => policy.metadata?.name === name)!;

describe('buildNetworkPolicies', () => {
  it('denies everything first, in and out, for every pod', () => {
    expect(byName('default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('allows DNS only to the cluster DNS: kube-dns pods and the configured DNS addresses', () => {
    expect(byName('allow-dns').spec?.egress).toEqual([{
      to: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
        { ipBlock: { cidr: '169.254.20.10/32' } },
      ],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
  });

  it('allows HTTPS only to addresses outside the cluster', () => {
    expect(byName('allow-https-egress').spec?.egress).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.42.0.0/16', '10.43.0.0/16'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    }]);
  });

  it('lets a store reach only its own pods: every egress peer is DNS, outside, or a pod selector of this namespace', () => {
    for (const policy of policies) {
      for (const rule of policy.spec?.egress ?? []) {
        for (const peer of rule.to ?? []) {
          const inNamespace = peer.podSelector && !peer.namespaceSelector;
          const dns = policy.metadata?.name === 'allow-dns';
          const outside = peer.ipBlock?.cidr === '0.0.0.0/0' && peer.ipBlock.except?.length === 2;
          expect(inNamespace || dns || outside, `${policy.metadata?.name}: ${JSON.stringify(peer)}`).toBe(true);
        }
      }
    }
  });

  it('admits other namespaces only as the ingress controller, to WordPress', () => {
    const fromOtherNamespaces = policies.flatMap((policy) => (policy.spec?.ingress ?? [])
      .filter((rule) => rule._from?.some((peer) => peer.namespaceSelector))
      .map((rule) => ({ policy: policy.metadata?.name, rule })));
    expect(fromOtherNamespaces).toEqual([{
      policy: 'allow-ingress-controller',
      rule: { _from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    }]);
  });
});
