// The platform's RBAC and admission policy on the real API server: the API's ServiceAccount
// may act on storefleet namespaces only, whatever its ClusterRole would allow.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deleteNamespaces, kubeConfig, kubectlBinary, repoRoot, uniqueName, waitFor } from '../../cluster/test/harness.ts';

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

const namespaceManifest = (name: string, labelled: boolean) => JSON.stringify({
  apiVersion: 'v1', kind: 'Namespace',
  metadata: { name, labels: labelled ? { 'app.kubernetes.io/managed-by': 'storefleet' } : {} },
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

  it('lets guardrails be written in a store namespace only', () => {
    expect(asApi(['-n', managed, 'create', '-f', '-'], quotaManifest).ok).toBe(true);
    const denied = asApi(['-n', unmanaged, 'create', '-f', '-'], quotaManifest);
    expect(denied.ok).toBe(false);
    expect(denied.output).toContain(`not "${unmanaged}"`);
  });

  it('leaves every other user alone', async () => {
    const name = uniqueName('plain-admin');
    created.push(name);
    await core.createNamespace({ body: { metadata: { name } } });
    expect((await core.readNamespace({ name })).metadata?.name).toBe(name);
  });
});
