import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { positions, queueOrder, toRelease } from './queue-order.ts';

const job = (name: string, operation: string, seq: number, at: string, suspend: boolean, conditions: string[] = []): V1Job => ({
  metadata: { name, creationTimestamp: new Date(`2026-01-01T00:00:${at}Z`), labels: { 'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/operation': operation, 'storefleet.io/seq': String(seq) } },
  spec: { suspend, template: {} },
  status: { conditions: conditions.map((type) => ({ type, status: 'True' })) },
});
const exitedZero = (jobName: string): V1Pod => ({
  metadata: { name: `${jobName}-p`, labels: { 'job-name': jobName }, creationTimestamp: new Date('2026-01-01T00:00:00Z') },
  status: { containerStatuses: [{ name: 'provisioner', image: 'p', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } }] },
});
const names = (jobs: V1Job[]) => jobs.map((j) => j.metadata!.name);

describe('the provisioning queue order', () => {
  const jobs = [
    job('a-install-1', 'install', 1, '01', true),
    job('b-upgrade-2', 'upgrade', 2, '02', true),
    job('c-uninstall-3', 'uninstall', 3, '03', true),
    job('d-install-2', 'install', 2, '04', true),
    job('e-install-1', 'install', 1, '00', false),
    job('f-install-1', 'install', 1, '00', false, ['Complete']),
    job('g-install-1', 'install', 1, '00', false),
    { ...job('h-odd', 'install', 1, '00', true), metadata: { name: 'h-odd', labels: { 'storefleet.io/store': 'h' } } },
  ];

  it('puts deletes first, then installs again, then the rest, each first come first served', () => {
    const order = queueOrder(jobs, [exitedZero('g-install-1')]);
    expect(names(order.waiting)).toEqual(['c-uninstall-3', 'd-install-2', 'a-install-1', 'b-upgrade-2']);
    // Finished Jobs and one whose provisioner exited 0 hold no slot.
    expect(names(order.running)).toEqual(['e-install-1']);
    expect(positions(order).get('a-install-1')).toBe(3);
  });

  it('starts only as many as the cap leaves room for', () => {
    const order = queueOrder(jobs, [exitedZero('g-install-1')]);
    expect(names(toRelease(order, 3))).toEqual(['c-uninstall-3', 'd-install-2']);
    expect(toRelease(order, 1)).toEqual([]);
    expect(toRelease(queueOrder([...jobs, job('h-install-1', 'install', 1, '00', false), job('i-install-1', 'install', 1, '00', false)], []), 2)).toEqual([]);
  });

  it('keeps the order asked within one second, by the millisecond it was asked (q-10 after q-9)', () => {
    const asked = (name: string, ms: string) => {
      const j = job(name, 'install', 1, '05', true);
      j.metadata!.annotations = { 'storefleet.io/requested-at': `2026-01-01T00:00:05.${ms}Z` };
      return j;
    };
    const order = queueOrder([asked('q-10-install-1', '900'), asked('q-9-install-1', '100'), asked('q-11-install-1', '950')], []);
    expect(names(order.waiting)).toEqual(['q-9-install-1', 'q-10-install-1', 'q-11-install-1']);
  });
});
