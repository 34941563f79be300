// The store chart on the real cluster: admitted under PSA "restricted" with the platform's
// quota and limits, then installed for real (stand-in images, see
// cluster/images/standins/README.md) until ready, with its hook Job, CronJobs and helm test.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildLimitRange, buildResourceQuota } from '../../api/src/provisioning/guardrails.ts';
import { buildCredentialsSecret, CREDENTIAL_KEYS } from '../../api/src/store/credentials.ts';
import { plans, type PlanName } from '../../api/src/store/plans.ts';
import { buildImage, deleteNamespaces, kubeConfig, kubectlBinary, repoRoot, uniqueName } from '../../cluster/test/harness.ts';
import { chartDir, helm, templateArgs, valuesFile } from './render.ts';

const standins = path.join(repoRoot, 'cluster/images/standins');
// On a cluster that can pull the official images, STOREFLEET_CHART_REAL_IMAGES=1 installs
// the chart exactly as a store gets it.
const realImages = process.env.STOREFLEET_CHART_REAL_IMAGES === '1';
const imageValues = realImages ? [] : ['-f', path.join(standins, 'test-values.yaml')];
const kc = kubeConfig();
const core = kc.makeApiClient(k8s.CoreV1Api);
const apps = kc.makeApiClient(k8s.AppsV1Api);
const batch = kc.makeApiClient(k8s.BatchV1Api);
const namespace = uniqueName('chart');
const namespaces = [namespace];
const release = 'shop1';
const secret = buildCredentialsSecret('shop1-credentials');
const secretValues = Object.values(secret.stringData!);

const kubeEnv = () => ({ ...process.env, KUBECONFIG: inject('kubeconfig'), HELM_CACHE_HOME: '/tmp/storefleet-helm-cache' });
const helmOnCluster = (...args: string[]) => {
  const result = spawnSync(path.join(inject('toolsDir'), 'helm'), args, { encoding: 'utf8', env: kubeEnv() });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

beforeAll(async () => {
  for (const name of realImages ? [] : ['wordpress', 'mariadb']) {
    buildImage(`storefleet.local/standin-${name}:1`, path.join(standins, name, 'Dockerfile'), path.join(standins, name));
  }
  await createGuardedNamespace(namespace, 'small');
  await core.createNamespacedSecret({ namespace, body: secret });
});

afterAll(() => deleteNamespaces(kc, ...namespaces));

/** A namespace as the platform makes it: PSA restricted, the plan's quota and limits. */
async function createGuardedNamespace(name: string, plan: PlanName) {
  const psa = Object.fromEntries(['enforce', 'warn', 'audit'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted']));
  await core.createNamespace({ body: { metadata: { name, labels: { ...psa, 'storefleet.io/test': 'chart' } } } });
  await core.createNamespacedResourceQuota({ namespace: name, body: buildResourceQuota(plans[plan]) });
  await core.createNamespacedLimitRange({ namespace: name, body: buildLimitRange(plans[plan]) });
}

describe('the store chart on the real cluster', () => {
  it('reads only credentials the platform puts in the Secret', () => {
    const rendered = helm(...templateArgs({ valuesFiles: ['values-local.yaml'] })).stdout;
    const referenced = new Set([...rendered.matchAll(/\/run\/secrets\/store\/([a-z0-9-]+)/g)].map((m) => m[1]));
    expect(referenced.size).toBeGreaterThanOrEqual(10);
    for (const key of referenced) expect(CREDENTIAL_KEYS).toContain(key);
  });

  it.each(['values-local.yaml', 'values-prod.yaml'])('is admitted by a server-side dry run with %s, without warnings', async (file) => {
    const { plan = 'small' } = k8s.loadYaml<{ plan?: PlanName }>(readFileSync(valuesFile(file), 'utf8')) ?? {};
    const target = uniqueName('chart-dry');
    namespaces.push(target);
    await createGuardedNamespace(target, plan);
    const rendered = helm(...templateArgs({ valuesFiles: [file], namespace: target, release })).stdout;
    const result = spawnSync(kubectlBinary(), ['apply', '--dry-run=server', '-n', target, '-f', '-'], {
      input: rendered, encoding: 'utf8', env: kubeEnv(),
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/deployment.apps\/shop1-wordpress created \(server dry run\)/);
    expect(result.stdout).toMatch(/statefulset.apps\/shop1-mariadb created \(server dry run\)/);
  });

  describe('a real install with stand-in images', () => {
    let install: { status: number | null; stdout: string; stderr: string };

    beforeAll(() => {
      const started = Date.now();
      install = helmOnCluster(
        'upgrade', '--install', release, chartDir, '-n', namespace,
        '-f', valuesFile('values-local.yaml'), ...imageValues,
        '--set', 'existingSecret=shop1-credentials', '--wait', '--timeout', realImages ? '15m' : '5m',
      );
      console.log(`[chart] helm upgrade --install --wait took ${((Date.now() - started) / 1000).toFixed(1)} s (${realImages ? 'official' : 'stand-in'} images)`);
    }, 1_000_000);

    it('reaches deployed and ready under the quota', async () => {
      expect(install.stderr).not.toMatch(/Error/);
      expect(install.status).toBe(0);
      expect(install.stdout).toContain('Shop:      http://shop.localhost/');
      const wordpress = await apps.readNamespacedDeployment({ namespace, name: 'shop1-wordpress' });
      expect(wordpress.status?.readyReplicas).toBe(1);
      const mariadb = await apps.readNamespacedStatefulSet({ namespace, name: 'shop1-mariadb' });
      expect(mariadb.status?.readyReplicas).toBe(1);
      const claims = await core.listNamespacedPersistentVolumeClaim({ namespace });
      expect(claims.items.map((c) => [c.metadata?.name, c.status?.phase]).sort()).toEqual([
        ['data-shop1-mariadb-0', 'Bound'], ['shop1-backups', 'Bound'], ['shop1-wp-content', 'Bound'],
      ]);
      const quota = await core.readNamespacedResourceQuota({ namespace, name: 'store-quota' });
      expect(quota.status?.used?.['requests.cpu']).toBeTruthy();
    });

    it('ran the setup Job to completion on the WordPress image', async () => {
      const job = await batch.readNamespacedJob({ namespace, name: 'shop1-setup' });
      expect(job.status?.succeeded).toBe(1);
      expect(job.spec?.template.spec?.containers.map((c) => c.image)).toEqual([
        realImages ? 'wordpress:6.8.3-php8.3-apache' : 'storefleet.local/standin-wordpress:1',
      ]);
      const pods = await core.listNamespacedPod({ namespace, labelSelector: 'job-name=shop1-setup' });
      const log = await core.readNamespacedPodLog({ namespace, name: pods.items[0]!.metadata!.name!, container: 'setup' });
      if (realImages) {
        expect(log).toContain('storefleet: WordPress is set up at http://shop.localhost');
        return;
      }
      // The stand-in's php only says it ran the chart's script (store.cluster.test.ts runs it for real).
      expect(log).toContain('storefleet: stand-in php ran /opt/storefleet/setup.php for http://shop.localhost');
    });

    it('created the wp-cron and nightly backup CronJobs, and the suspended restore one', async () => {
      const cronJobs = await batch.listNamespacedCronJob({ namespace });
      const schedules = Object.fromEntries(cronJobs.items.map((c) => [c.metadata?.name, c.spec?.schedule]));
      expect(schedules).toEqual({ 'shop1-wp-cron': '*/5 * * * *', 'shop1-backup': '17 3 * * *', 'shop1-restore': '0 0 31 2 *' });
      expect(cronJobs.items.find((c) => c.metadata?.name === 'shop1-restore')?.spec?.suspend).toBe(true);
      const backup = cronJobs.items.find((c) => c.metadata?.name === 'shop1-backup')!;
      expect(backup.spec?.jobTemplate.spec?.template.spec?.containers[0]?.command?.join(' ')).toContain('mariadb-dump');
      expect(backup.spec?.jobTemplate.spec?.template.spec?.containers[0]?.command?.join(' ')).toContain('--single-transaction');
    });

    it('passes helm test: the Store API answers with JSON through the Service', () => {
      const result = helmOnCluster('test', release, '-n', namespace, '--logs', '--timeout', '3m');
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/Phase:\s+Succeeded/);
      expect(result.stdout).toContain('WooCommerce Store API answered with JSON');
    });

    it('keeps every credential out of the release and its objects', () => {
      const manifest = helmOnCluster('get', 'all', release, '-n', namespace).stdout;
      const objects = execFileSync(kubectlBinary(), ['get', 'deploy,sts,job,cronjob,pod', '-n', namespace, '-o', 'yaml'], { encoding: 'utf8', env: kubeEnv() });
      expect(manifest).toContain('shop1-credentials');
      for (const value of secretValues) {
        expect(manifest).not.toContain(value);
        expect(objects).not.toContain(value);
      }
    });
  });
});
