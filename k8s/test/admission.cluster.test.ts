// The platform's RBAC and admission policy on the real API server: the API's ServiceAccount
// may act on storefleet namespaces only, whatever its ClusterRole would allow.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteNamespaces, kubeConfig, kubectlBinary, repoRoot, uniqueName, waitFor } from '../../test-support/harness.ts';
import { SYSTEM } from '../../test-support/kube.ts';

const API_USER = 'system:serviceaccount:storefleet-system:storefleet-api';
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const managed = uniqueName('store-vap');
const unmanaged = uniqueName('plain-vap');
const created = [managed, unmanaged];

/** Runs kubectl as the API's ServiceAccount; returns exit status and output. */
function asApi(args: string[], input?: string) {
  try {
    const stdout = execFileSync(kubectlBinary(), [`--as=${API_USER}`, ...args], {
      input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: inject('kubeconfig') },
    });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stderr?: string }).stderr) };
  }
}

const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted' };
const namespaceManifest = (name: string, labelled: boolean) => JSON.stringify({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, labels: labelled ? { 'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/store': name.replace(/^store-/, ''), ...RESTRICTED } : RESTRICTED },
});
/** The API's writer role in a namespace, bound to `account` (the API itself unless told). */
const writerBinding = (account = 'storefleet-api') => JSON.stringify({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `writer-${account}` },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'storefleet-api-store-writer' },
  subjects: [{ kind: 'ServiceAccount', name: account, namespace: SYSTEM }],
});
const quotaManifest = JSON.stringify({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '1' } } });

beforeAll(async () => {
  execFileSync(kubectlBinary(), ['apply', '-k', path.join(repoRoot, 'k8s/base')], { env: { ...process.env, KUBECONFIG: inject('kubeconfig') } });
  await core.createNamespace({ body: { metadata: { name: unmanaged } } });
  // Policies take a moment to reach the admission chain after they are created.
  await waitFor('the admission policy to be active', async () => {
    const probe = uniqueName('plain-probe');
    const result = asApi(['create', '-f', '-'], namespaceManifest(probe, false));
    if (result.ok) created.push(probe);
    return result.ok ? undefined : true;
  }, 60_000, 1000);
});

afterAll(() => deleteNamespaces(kc, ...created));

describe('the storefleet-api admission policy', () => {
  it('denies creating a namespace without the storefleet label', () => {
    const name = uniqueName('plain');
    const result = asApi(['create', '-f', '-'], namespaceManifest(name, false));
    expect(result.ok).toBe(false);
    expect(result.output).toContain(`ValidatingAdmissionPolicy 'storefleet-api-scope' with binding 'storefleet-api-scope' denied request: storefleet-api may only change namespaces labelled app.kubernetes.io/managed-by=storefleet, not "${name}"`);
  });

  it('allows creating a store namespace', () => {
    const result = asApi(['create', '-f', '-'], namespaceManifest(managed, true));
    expect(result.output).toContain(`namespace/${managed} created`);
  });

  it('denies deleting or relabelling a namespace that is not storefleet\'s', async () => {
    expect(asApi(['delete', 'namespace', unmanaged, '--wait=false']).ok).toBe(false);
    expect(asApi(['label', 'namespace', unmanaged, 'app.kubernetes.io/managed-by=storefleet']).ok).toBe(false);
    const still = await core.readNamespace({ name: unmanaged });
    expect(still.metadata?.deletionTimestamp).toBeUndefined();
    expect(still.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });

  it('lets guardrails be written in a store namespace only, once the API has bound its writer role there', async () => {
    // No cluster-wide write inside namespaces: RBAC refuses until the per-store binding exists.
    expect(asApi(['-n', managed, 'create', '-f', '-'], quotaManifest).output).toContain('forbidden');
    expect(asApi(['-n', managed, 'create', '-f', '-'], writerBinding()).ok).toBe(true);
    await waitFor('the writer binding to apply', async () => (asApi(['-n', managed, 'create', '-f', '-'], quotaManifest).ok ? true : undefined), 10_000, 200);
    const denied = asApi(['-n', unmanaged, 'create', '-f', '-'], writerBinding());
    expect(denied.ok).toBe(false);
    expect(denied.output).toContain(`not "${unmanaged}"`);
    expect(asApi(['-n', unmanaged, 'create', '-f', '-'], quotaManifest).output).toContain('forbidden');
  });

  it('denies lending a role to another account, a namespace not named store-<name>, and loosening Pod Security', () => {
    const lent = asApi(['-n', managed, 'create', '-f', '-'], writerBinding('someone-else'));
    expect(lent.ok).toBe(false);
    expect(lent.output).toContain(`storefleet-api may bind storefleet-api-store-writer in "${managed}" only to the account it is for`);
    const oddName = uniqueName('vap-odd');
    const named = asApi(['create', '-f', '-'], namespaceManifest(oddName, true));
    if (named.ok) created.push(oddName);
    expect(named.ok).toBe(false);
    expect(named.output).toContain(`storefleet-api may only create namespaces named store-<name>, not "${oddName}"`);
    // An update (the API's verb; it has no patch), with the label changed.
    const privileged = JSON.parse(namespaceManifest(managed, true));
    privileged.metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    const loosened = asApi(['replace', '-f', '-'], JSON.stringify(privileged));
    expect(loosened.ok).toBe(false);
    expect(loosened.output).toContain('must keep pod-security.kubernetes.io/enforce=restricted');
  });

  it('leaves every other user alone', async () => {
    const name = uniqueName('plain-admin');
    created.push(name);
    await core.createNamespace({ body: { metadata: { name } } });
    expect((await core.readNamespace({ name })).metadata?.name).toBe(name);
  });
});
