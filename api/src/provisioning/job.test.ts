import { describe, expect, it } from 'vitest';
import { buildOperationJob, buildStoreValues, type ProvisionerSettings } from './job.ts';

const settings: ProvisionerSettings = {
  image: 'storefleet.local/provisioner:test', helmTimeoutSeconds: 300, backoffLimit: 1, ttlSecondsAfterFinished: 3600,
  platformValues: { ingress: { className: 'traefik', tls: { enabled: true } }, networkPolicy: { enabled: true } },
};
const spec = { plan: 'small' as const, host: 'shop1.example.com', title: 'Shop One', adminEmail: 'a@example.com' };

describe('buildOperationJob', () => {
  const job = buildOperationJob({ store: 'shop1', storeUid: 'uid-1', operation: 'install', seq: 4, spec }, settings);
  const pod = job.spec!.template.spec!;
  const container = pod.containers[0]!;

  it('names and labels the Job for kubectl users', () => {
    expect(job.metadata).toMatchObject({
      name: 'shop1-install-4', namespace: 'storefleet-system',
      labels: { 'storefleet.io/store': 'shop1', 'storefleet.io/store-uid': 'uid-1', 'storefleet.io/operation': 'install', 'storefleet.io/seq': '4' },
    });
    expect(job.spec!.template.metadata!.labels).toEqual(job.metadata!.labels);
  });

  it('runs once per try, bounded in retries and time, and cleans itself up', () => {
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 720, ttlSecondsAfterFinished: 3600 });
    expect(job.spec!.suspend).toBeUndefined();
    expect(job.spec!.podFailurePolicy!.rules).toEqual([{ action: 'FailJob', onExitCodes: { containerName: 'provisioner', operator: 'In', values: [3] } }]);
  });

  it('waits suspended for the provisioning queue when the platform has one', () => {
    const queued = buildOperationJob({ store: 'shop1', storeUid: 'uid-1', operation: 'install', seq: 4, spec }, { ...settings, queued: true });
    expect(queued.spec!.suspend).toBe(true);
  });

  it('runs as the store provisioner, restricted, with a read-only root', () => {
    expect(pod.serviceAccountName).toBe('provisioner-shop1');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  it('passes values without credentials; the store owns host and title, the platform keeps netpols', () => {
    const values = JSON.parse(container.env!.find((e) => e.name === 'STORE_VALUES')!.value!);
    expect(values).toEqual(buildStoreValues('shop1', spec, settings.platformValues));
    expect(values).toMatchObject({
      plan: 'small', existingSecret: 'shop1-credentials', networkPolicy: { enabled: false },
      ingress: { className: 'traefik', tls: { enabled: true }, host: 'shop1.example.com' }, store: { title: 'Shop One' },
    });
    expect(JSON.stringify(job)).not.toMatch(/password/i);
  });

  it('gives a rollback its revision and an uninstall no values', () => {
    const rollback = buildOperationJob({ store: 'shop1', storeUid: 'uid-1', operation: 'rollback', seq: 5, spec, rollbackTo: 2 }, settings);
    expect(rollback.spec!.template.spec!.containers[0]!.env).toContainEqual({ name: 'ROLLBACK_TO', value: '2' });
    const uninstall = buildOperationJob({ store: 'shop1', storeUid: 'uid-1', operation: 'uninstall', seq: 6, spec }, settings);
    expect(uninstall.spec!.template.spec!.containers[0]!.env!.map((e) => e.name)).not.toContain('STORE_VALUES');
  });

  it('asks the provisioner to check that the shop opens where the API says it does, when the platform names its ingress', () => {
    const envOf = (operation: 'install' | 'rollback' | 'uninstall', shopCheckAddress?: string) =>
      buildOperationJob({ store: 'shop1', storeUid: 'uid-1', operation, seq: 7, spec }, { ...settings, platformValues: { ingress: { port: 8081 } }, shopCheckAddress })
        .spec!.template.spec!.containers[0]!.env!;
    expect(envOf('install', '10.213.0.1:8081')).toEqual(expect.arrayContaining([
      { name: 'SHOP_URL', value: 'http://shop1.example.com:8081/' }, { name: 'SHOP_CHECK_ADDRESS', value: '10.213.0.1:8081' },
    ]));
    expect(envOf('rollback', '10.213.0.1:8081').map((e) => e.name)).toContain('SHOP_CHECK_ADDRESS');
    expect(envOf('uninstall', '10.213.0.1:8081').map((e) => e.name)).not.toContain('SHOP_URL');
    expect(envOf('install').map((e) => e.name)).not.toContain('SHOP_URL');
  });
});
