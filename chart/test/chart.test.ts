// The store chart as data: lint, schema, and what every rendered manifest must satisfy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { PLAN_NAMES, plans } from '../../api/src/store/plans.ts';
import { parseQuantity } from '../../api/src/store/quantity.ts';
import { chartDir, helm, podSpecs, render, templateArgs, valuesFile } from './render.ts';

const VALUES_FILES = ['values.yaml', 'values-local.yaml', 'values-prod.yaml'];
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

const renderings = VALUES_FILES.flatMap((file) =>
  PLAN_NAMES.map((plan) => ({ label: `${file} / ${plan}`, objects: render({ valuesFiles: [file], set: { plan } }) })),
);
const containersOf = (spec: k8s.V1PodSpec) => [...(spec.initContainers ?? []), ...spec.containers];

describe('helm lint and template', () => {
  it.each(VALUES_FILES)('%s passes helm lint --strict', (file) => {
    const result = helm('lint', '--strict', chartDir, '-f', valuesFile(file), '--set', 'existingSecret=shop1-credentials');
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.status).toBe(0);
  });

  it('renders every workload the store needs', () => {
    const kinds = renderings[0]!.objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    expect(kinds).toEqual(expect.arrayContaining([
      'Deployment/shop1-wordpress', 'StatefulSet/shop1-mariadb', 'Job/shop1-setup', 'CronJob/shop1-wp-cron',
      'CronJob/shop1-backup', 'CronJob/shop1-restore', 'ConfigMap/shop1-setup', 'Service/shop1-wordpress', 'Service/shop1-mariadb', 'Ingress/shop1',
      'PersistentVolumeClaim/shop1-wp-content', 'PersistentVolumeClaim/shop1-backups',
      'NetworkPolicy/shop1-mariadb', 'Pod/shop1-test-store-api',
    ]));
  });

  it('runs the setup step with the WordPress image and the chart\'s own PHP script, no WP-CLI image', () => {
    const objects = renderings[0]!.objects;
    const job = objects.find((o) => o.kind === 'Job' && o.metadata?.name === 'shop1-setup') as k8s.V1Job;
    const pod = job.spec!.template.spec!;
    const wordpressImage = 'wordpress:6.8.3-php8.3-apache';
    expect(containersOf(pod).map((c) => c.image)).toEqual([wordpressImage, wordpressImage]);
    expect(pod.containers[0]!.command).toEqual(['php', '/opt/storefleet/setup.php']);
    const env = Object.fromEntries(pod.containers[0]!.env!.map((e) => [e.name, e.value]));
    expect(env.WOOCOMMERCE_SOURCE).toBe('https://downloads.wordpress.org/plugin/woocommerce.{version}.zip');
    expect(env.WOOCOMMERCE_REQUIRED).toBe('false');
    expect(env.ADMIN_PASSWORD_FILE).toBe('/run/secrets/store/wordpress-admin-password');
    const script = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'shop1-setup') as k8s.V1ConfigMap;
    expect(script.data!['setup.php']).toBe(readFileSync(path.join(chartDir, 'files/setup.php'), 'utf8'));
    expect(pod.volumes!.find((v) => v.name === 'script')?.configMap?.name).toBe('shop1-setup');
  });

  it('passes the WooCommerce source and whether it is required to the setup step', () => {
    const objects = render({ set: { 'woocommerce.source': '/mnt/woocommerce.zip' } });
    const job = objects.find((o) => o.kind === 'Job') as k8s.V1Job;
    const env = Object.fromEntries(job.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));
    expect(env.WOOCOMMERCE_SOURCE).toBe('/mnt/woocommerce.zip');
    const required = helm(...templateArgs({}), '--set', 'woocommerce.required=true');
    expect(required.stdout).toMatch(/name: WOOCOMMERCE_REQUIRED, value: "true"/);
    expect(required.stdout).toContain("elif [ 'true' = true ]; then");
  });

  it('copies the zip out of a source image when one is given, for a cluster without internet, and checks its sha256', () => {
    const sha256 = 'c1cb75f5d1df1f4648c9de2ed25f75ff92bbbe40224265c1bf021abb49f6b238';
    const objects = render({ set: {
      'woocommerce.sha256': sha256, 'woocommerce.source': '/opt/woocommerce-source/woocommerce-10.0.2.zip',
      'woocommerce.sourceImage.repository': 'storefleet.local/woocommerce-source', 'woocommerce.sourceImage.tag': '10.0.2',
      'woocommerce.sourceImage.path': '/woocommerce/woocommerce-10.0.2.zip',
    } });
    const pod = (objects.find((o) => o.kind === 'Job') as k8s.V1Job).spec!.template.spec!;
    const copy = pod.initContainers!.find((c) => c.name === 'woocommerce-source')!;
    expect(copy.image).toBe('storefleet.local/woocommerce-source:10.0.2');
    expect(copy.command).toEqual(['cp', '/woocommerce/woocommerce-10.0.2.zip', '/opt/woocommerce-source/']);
    expect(copy.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes!.find((v) => v.name === 'woocommerce-source')?.emptyDir).toBeDefined();
    const setup = pod.containers[0]!;
    expect(setup.volumeMounts).toContainEqual({ name: 'woocommerce-source', mountPath: '/opt/woocommerce-source', readOnly: true });
    expect(Object.fromEntries(setup.env!.map((e) => [e.name, e.value])).WOOCOMMERCE_SHA256).toBe(sha256);
    // Without a source image there is nothing to copy.
    expect(containersOf((render().find((o) => o.kind === 'Job') as k8s.V1Job).spec!.template.spec!).map((c) => c.name)).toEqual(['wordpress-files', 'setup']);
  });

  it('fails the setup Job at once on a setting no retry mends (exit 2), and lets it reach the shop to check it', () => {
    const job = renderings[0]!.objects.find((o) => o.kind === 'Job') as k8s.V1Job;
    expect(job.spec!.podFailurePolicy!.rules).toEqual([{ action: 'FailJob', onExitCodes: { containerName: 'setup', operator: 'In', values: [2] } }]);
    expect(job.spec!.template.metadata!.labels).toMatchObject({ 'storefleet.io/wordpress-client': 'true', 'storefleet.io/db-client': 'true' });
    expect(job.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: 'STORE_SERVICE_URL', value: 'http://shop1-wordpress' });
  });

  it('rejects a sha256 that is not one', () => {
    const result = helm(...templateArgs({ set: { 'woocommerce.sha256': 'abc' } }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/woocommerce\/sha256/);
  });

  it('ships the restore procedure as a suspended CronJob that reads the backup volume', () => {
    const restore = renderings[0]!.objects.find((o) => o.metadata?.name === 'shop1-restore') as k8s.V1CronJob;
    expect(restore.spec!.suspend).toBe(true);
    const pod = restore.spec!.jobTemplate.spec!.template.spec!;
    expect(pod.containers[0]!.image).toBe('mariadb:11.8.3');
    expect(pod.containers[0]!.command!.join(' ')).toContain('gzip -dc "$dump" | mariadb --defaults-extra-file=/tmp/client.cnf');
    expect(pod.containers[0]!.volumeMounts!.find((m) => m.name === 'backups')?.readOnly).toBe(true);
  });

  it('refuses to render without the platform-made credentials Secret', () => {
    const result = helm(...templateArgs({ set: { existingSecret: '' } }));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/existingSecret is required/);
  });
});

describe('values.schema.json', () => {
  const rejects = (set: Record<string, string>, pattern: RegExp, typed = false) => {
    const args = templateArgs({});
    for (const [key, value] of Object.entries(set)) args.push(typed ? '--set' : '--set-string', `${key}=${value}`);
    const result = helm(...args);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(pattern);
  };

  it('rejects a wrong type', () => rejects({ 'backup.retentionDays': 'seven' }, /retentionDays/));
  it('rejects an unknown key', () => rejects({ 'ingress.hostname': 'shop.example.com' }, /additional properties 'hostname' not allowed/));
  it('rejects a bad host name', () => rejects({ 'ingress.host': 'shop_1.example.com' }, /\/ingress\/host/));
  it('rejects an unknown plan', () => rejects({ plan: 'huge' }, /\/plan/));
  it('rejects an unpinned image', () => rejects({ 'image.wordpress.tag': 'latest' }, /image\/wordpress\/tag/));
  it('rejects a WooCommerce source that is neither a URL nor a path', () => rejects({ 'woocommerce.source': 'woocommerce.zip' }, /woocommerce\/source/));
  it('still accepts image.cli from older platform values', () => {
    const result = helm(...templateArgs({ set: { 'image.cli.repository': 'storefleet.local/standin-wp-cli', 'image.cli.tag': '1' } }));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe.each(renderings)('rendered manifests ($label)', ({ objects }) => {
  const pods = podSpecs(objects);

  it('has pod specs to check', () => expect(pods.length).toBeGreaterThanOrEqual(6));

  it('meets Pod Security "restricted" in every pod', () => {
    for (const { owner, spec } of pods) {
      const where = (c?: k8s.V1Container) => `${owner}${c ? ` container ${c.name}` : ''}`;
      expect(spec.hostNetwork ?? false, where()).toBe(false);
      expect(spec.hostPID ?? false, where()).toBe(false);
      expect(spec.hostIPC ?? false, where()).toBe(false);
      expect(spec.automountServiceAccountToken, where()).toBe(false);
      for (const volume of spec.volumes ?? []) {
        const type = Object.keys(volume).find((k) => k !== 'name');
        expect(RESTRICTED_VOLUME_TYPES, `${where()} volume ${volume.name}`).toContain(type);
      }
      const podContext = spec.securityContext ?? {};
      expect(podContext.runAsUser, where()).not.toBe(0);
      for (const container of containersOf(spec)) {
        const context = container.securityContext ?? {};
        expect(context.privileged ?? false, where(container)).toBe(false);
        expect(context.allowPrivilegeEscalation, where(container)).toBe(false);
        expect(context.capabilities?.drop, where(container)).toContain('ALL');
        expect(context.capabilities?.add ?? [], where(container)).toEqual([]);
        expect(context.runAsNonRoot ?? podContext.runAsNonRoot, where(container)).toBe(true);
        expect(context.runAsUser ?? podContext.runAsUser, where(container)).not.toBe(0);
        expect((context.seccompProfile ?? podContext.seccompProfile)?.type, where(container)).toBe('RuntimeDefault');
        expect(container.ports?.every((p) => !p.hostPort) ?? true, where(container)).toBe(true);
      }
    }
  });

  it('gives every container cpu and memory requests and limits', () => {
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        for (const kind of ['requests', 'limits'] as const) {
          expect(container.resources?.[kind]?.cpu, `${owner}/${container.name} ${kind}.cpu`).toBeTruthy();
          expect(container.resources?.[kind]?.memory, `${owner}/${container.name} ${kind}.memory`).toBeTruthy();
        }
      }
    }
  });

  it('pins every image to a tag', () => {
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        expect(container.image, owner).toMatch(/^[^:@\s]+(:[\w][\w.-]*)$/);
        expect(container.image, owner).not.toMatch(/:latest$/);
        expect(container.imagePullPolicy, owner).toBe('IfNotPresent');
      }
    }
  });

  it('labels every object the standard way', () => {
    for (const object of objects) {
      const labels = object.metadata?.labels ?? {};
      const owner = `${object.kind}/${object.metadata?.name}`;
      expect(labels['app.kubernetes.io/name'], owner).toBe('woocommerce-store');
      expect(labels['app.kubernetes.io/instance'], owner).toBe('shop1');
      expect(labels['app.kubernetes.io/managed-by'], owner).toBe('Helm');
      expect(labels['helm.sh/chart'], owner).toMatch(/^woocommerce-store-\d/);
      expect(labels['app.kubernetes.io/component'], owner).toBeTruthy();
      expect(object.metadata?.namespace, `${owner} must not hard-code a namespace`).toBeUndefined();
    }
  });

  it('carries no credentials: no Secret objects, secrets only as files from existingSecret', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const { owner, spec } of pods) {
      for (const container of containersOf(spec)) {
        for (const env of container.env ?? []) {
          expect(env.name, `${owner}/${container.name}`).not.toMatch(/PASSWORD$|_KEY$|_SALT$/);
        }
      }
      for (const volume of spec.volumes ?? []) {
        if (volume.secret) expect(volume.secret.secretName, owner).toBe('shop1-credentials');
      }
    }
  });
});

describe.each(PLAN_NAMES)('plan %s fits the namespace quota and limits', (planName) => {
  const plan = plans[planName];
  const objects = render({ set: { plan: planName } });
  const pods = podSpecs(objects);
  const sum = (kind: 'requests' | 'limits', resource: 'cpu' | 'memory') =>
    pods.flatMap(({ spec }) => spec.containers).reduce((total, c) => total + parseQuantity(String(c.resources?.[kind]?.[resource])), 0);

  // Worst case: WordPress, MariaDB and every Job/CronJob/test pod running at the same time
  // (init containers run before their pod's containers, so they do not add up).
  it.each([
    ['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory'],
  ] as const)('all pods together stay within %s.%s', (kind, resource) => {
    expect(sum(kind, resource)).toBeLessThanOrEqual(parseQuantity(plan.quota[`${kind}.${resource}`]!));
  });

  it('every container stays within the LimitRange maximum', () => {
    for (const { spec } of pods) {
      for (const container of containersOf(spec)) {
        expect(parseQuantity(String(container.resources?.limits?.cpu))).toBeLessThanOrEqual(parseQuantity(plan.limitRange.max.cpu));
        expect(parseQuantity(String(container.resources?.limits?.memory))).toBeLessThanOrEqual(parseQuantity(plan.limitRange.max.memory));
      }
    }
  });

  it('volumes, pods and services fit the quota', () => {
    const claims = [
      ...objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => (o as k8s.V1PersistentVolumeClaim).spec!),
      ...objects.filter((o) => o.kind === 'StatefulSet').flatMap((o) => (o as k8s.V1StatefulSet).spec!.volumeClaimTemplates!.map((t) => t.spec!)),
    ];
    const storage = claims.map((c) => parseQuantity(String(c.resources!.requests!.storage)));
    expect(storage.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(parseQuantity(plan.quota['requests.storage']!));
    for (const size of storage) expect(size).toBeLessThanOrEqual(parseQuantity(plan.limitRange.maxStorage));
    expect(claims.length).toBeLessThanOrEqual(Number(plan.quota.persistentvolumeclaims));
    expect(pods.length).toBeLessThanOrEqual(Number(plan.quota.pods));
    expect(objects.filter((o) => o.kind === 'Service').length).toBeLessThanOrEqual(Number(plan.quota.services));
  });
});
