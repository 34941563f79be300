import type { V1Job, V1Namespace } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildIntent, intentAnnotations } from '../store/intent.ts';
import { ANNOTATIONS, LABELS } from '../store/names.ts';
import { admitByRoom, holdsRoom, roomNeeded, type WaitingJob } from './admission.ts';

const spec = { plan: 'small', host: 'shop1.localhost', title: 'shop1', adminEmail: 'a@shop1.localhost' };
function namespace(intentSeq?: number, started = false): V1Namespace {
  const intent = intentSeq ? buildIntent('shop1', 'install', intentSeq) : undefined;
  return {
    metadata: {
      name: 'store-shop1', uid: 'u1', labels: { [LABELS.store]: 'shop1' },
      annotations: {
        [ANNOTATIONS.spec]: JSON.stringify(spec),
        ...(intent ? intentAnnotations(intent) : {}),
        ...(intent && started ? { [ANNOTATIONS.operationStarted]: intent.job } : {}),
      },
    },
  };
}
const job = (operation: string, seq: number, state: { suspend: boolean; startTime?: Date }): V1Job => ({
  metadata: { name: `shop1-${operation}-${seq}`, labels: { [LABELS.store]: 'shop1', [LABELS.storeUid]: 'u1', [LABELS.operation]: operation, [LABELS.seq]: String(seq) } },
  spec: { suspend: state.suspend, template: {} },
  status: state.startTime ? { startTime: state.startTime } : {},
});

describe('which stores hold room', () => {
  it('a new store holds none until its first Job starts: not while the Job is to be made, nor while it waits or was given up', () => {
    expect(holdsRoom(namespace(1), [], new Set())).toBe(false);
    expect(holdsRoom(namespace(1, true), [job('install', 1, { suspend: true })], new Set())).toBe(false);
    expect(holdsRoom(namespace(2, true), [job('install', 1, { suspend: true }), job('install', 2, { suspend: true })], new Set())).toBe(false);
  });

  it('a store holds its room once a Job of it started (also one the cache shows suspended yet), and when its Jobs are long gone', () => {
    expect(holdsRoom(namespace(1, true), [job('install', 1, { suspend: false })], new Set())).toBe(true);
    expect(holdsRoom(namespace(1, true), [job('install', 1, { suspend: true })], new Set(['shop1-install-1']))).toBe(true);
    // A retry after a failed install: the first one's pods are there.
    expect(holdsRoom(namespace(2, true), [job('install', 1, { suspend: false, startTime: new Date() }), job('install', 2, { suspend: true })], new Set())).toBe(true);
    expect(holdsRoom(namespace(3, true), [], new Set())).toBe(true);
    expect(holdsRoom(namespace(), [], new Set())).toBe(true);
  });

  it('only the first start of a store needs room: upgrades, uninstalls and a store that holds room pass', () => {
    const waiting = job('install', 1, { suspend: true });
    expect(roomNeeded(waiting, namespace(1, true), [waiting], new Set())).toBe('small');
    expect(roomNeeded(job('upgrade', 2, { suspend: true }), namespace(2, true), [job('install', 1, { suspend: false })], new Set())).toBeUndefined();
    expect(roomNeeded(job('uninstall', 2, { suspend: true }), namespace(2, true), [waiting], new Set())).toBeUndefined();
    expect(roomNeeded(waiting, undefined, [waiting], new Set())).toBeUndefined();
  });
});

describe('admitByRoom', () => {
  const small = { plan: 'small' as const, need: { cpuMilli: 250, memoryBytes: 576 * 2 ** 20 } };
  const large = { plan: 'large' as const, need: { cpuMilli: 1100, memoryBytes: 2176 * 2 ** 20 } };
  const entry = (name: string, room?: WaitingJob['room'], askedAt = 0): WaitingJob => ({ job: { metadata: { name } }, askedAt, ...(room ? { room } : {}) });
  const names = (jobs: V1Job[]) => jobs.map((j) => j.metadata!.name);
  const free = { cpuMilli: 1000, memoryBytes: 4 * 2 ** 30 };

  it('starts in order while slots and room last; a store that does not fit waits without holding back a smaller one behind it', () => {
    const decision = admitByRoom([entry('a', small), entry('big', large), entry('b', small), entry('upgrade'), entry('c', small), entry('d', small)], 4, free, 1000, 60_000);
    expect(names(decision.start)).toEqual(['a', 'b', 'upgrade', 'c']);
    expect(decision.wait.map((w) => w.job.metadata!.name)).toEqual(['big']);
    expect(decision.wait[0]!.message).toMatch(/^Waiting for room: a large store needs 1.1 CPU and 2.1 GiB; the cluster has 750m CPU free for stores/);
    expect(decision.giveUp).toEqual([]);
  });

  it('counts the room of those it starts: the fourth small store of 1 CPU waits', () => {
    const decision = admitByRoom(['a', 'b', 'c', 'd', 'e'].map((name) => entry(name, small)), 10, free, 0, 60_000);
    expect(names(decision.start)).toEqual(['a', 'b', 'c', 'd']);
    expect(decision.wait.map((w) => w.job.metadata!.name)).toEqual(['e']);
    expect(decision.wait[0]!.message).toContain('the cluster has 0 CPU free');
  });

  it('keeps the room of a store that fits but waits for a slot, so the ones behind it are told at once', () => {
    const decision = admitByRoom([entry('a', small), entry('b', small), entry('c', small)], 0, { cpuMilli: 600, memoryBytes: 4 * 2 ** 30 }, 0, 60_000);
    expect(decision.start).toEqual([]);
    expect(decision.wait.map((w) => w.job.metadata!.name)).toEqual(['c']);
    expect(decision.wait[0]!.message).toContain('the cluster has 100m CPU free');
  });

  it('ends a store that waited for room longer than allowed, with the reason; one waiting only for a slot is never ended', () => {
    const decision = admitByRoom([entry('old', large, 0), entry('new', large, 50_000), entry('slotless', small, 0)], 0, free, 60_000, 60_000);
    expect(decision.giveUp.map((g) => g.job.metadata!.name)).toEqual(['old']);
    expect(decision.giveUp[0]!.message).toMatch(/^Gave up after 60 s\. Waiting for room: a large store needs 1.1 CPU and 2.1 GiB; the cluster has 1 CPU free for stores\.$/);
    expect(decision.wait.map((w) => w.job.metadata!.name)).toEqual(['new']);
    expect(decision.start).toEqual([]);
  });
});
