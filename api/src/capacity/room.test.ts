import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { plans } from '../store/plans.ts';
import { footprint, formatCpu, formatMemory, neverFits, noRoomToGrow, parseReserve, resources, roomOf, schedulable, waitingForRoomMessage } from './room.ts';

const node = (cpu: string, memory: string, extra: Partial<V1Node['spec']> = {}, ready = 'True'): V1Node => ({
  spec: extra,
  status: { allocatable: { cpu, memory }, conditions: [{ type: 'Ready', status: ready }] },
});
const reserve = resources({ cpu: '300m', memory: '512Mi' });

describe('room for stores', () => {
  it('a store of a plan takes its web server, database and one Job, as chart/plans.json sizes them', () => {
    expect(footprint(plans.small).total).toEqual({ cpuMilli: 250, memoryBytes: 576 * 2 ** 20 });
    expect(footprint(plans.large).total).toEqual({ cpuMilli: 1100, memoryBytes: (2048 + 128) * 2 ** 20 });
  });

  it('reads the reserve as STOREFLEET_ROOM_RESERVE writes it', () => {
    expect(parseReserve('cpu=300m,memory=512Mi')).toEqual(reserve);
    expect(parseReserve('cpu=1,memory=2Gi')).toEqual({ cpuMilli: 1000, memoryBytes: 2 * 2 ** 30 });
  });

  it('counts only nodes that take pods: Ready, not cordoned, not tainted NoSchedule', () => {
    expect(schedulable(node('2', '4Gi'))).toBe(true);
    expect(schedulable(node('2', '4Gi', { unschedulable: true }))).toBe(false);
    expect(schedulable(node('2', '4Gi', { taints: [{ key: 'k', effect: 'NoSchedule' }] }))).toBe(false);
    expect(schedulable(node('2', '4Gi', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }))).toBe(true);
    expect(schedulable(node('2', '4Gi', {}, 'False'))).toBe(false);
  });

  it('is the schedulable nodes\' allocatable minus the reserve minus the admitted stores\' plans, never below zero', () => {
    const room = roomOf({ nodes: [node('2', '24581372Ki'), node('4', '8Gi', { unschedulable: true })], reserve, admitted: ['small', 'small', 'medium'], plans });
    expect(room.allocatable.cpuMilli).toBe(2000);
    expect(room.ceiling.cpuMilli).toBe(6000);
    expect(room.used.cpuMilli).toBe(250 + 250 + 550);
    expect(room.free.cpuMilli).toBe(2000 - 300 - 1050);
    expect(room.storesByPlan).toEqual({ small: 2, medium: 1, large: 0 });
    const full = roomOf({ nodes: [node('1', '2Gi')], reserve, admitted: ['large'], plans });
    expect(full.free).toEqual({ cpuMilli: 0, memoryBytes: 0 });
  });

  it('says what is short in the words a shop operator reads', () => {
    const need = footprint(plans.small).total;
    expect(waitingForRoomMessage('small', need, { cpuMilli: 50, memoryBytes: 3 * 2 ** 30 }))
      .toBe('Waiting for room: a small store needs 250m CPU and 576 MiB; the cluster has 50m CPU free for stores. It starts by itself when a store is deleted or a node is added.');
    expect(waitingForRoomMessage('small', need, { cpuMilli: 50, memoryBytes: 448 * 2 ** 20 })).toContain('the cluster has 50m CPU and 448 MiB free');
    expect([formatCpu(1500), formatCpu(2000), formatCpu(1250), formatMemory(1.5 * 2 ** 30)]).toEqual(['1.5 CPU', '2 CPU', '1.25 CPU', '1.5 GiB']);
  });

  it('refuses at once a plan bigger than the whole cluster, or with a pod bigger than any node; not one that waits', () => {
    const two = roomOf({ nodes: [node('2', '24Gi')], reserve, admitted: [], plans });
    expect(neverFits('large', plans.large, two)).toBeUndefined();
    const small = roomOf({ nodes: [node('1', '24Gi')], reserve, admitted: ['small'], plans });
    expect(neverFits('large', plans.large, small)).toMatch(/^A large store needs 1.1 CPU and 2.1 GiB, more than this cluster can ever give stores \(700m CPU and/);
    // Four nodes of 400m CPU: room enough in all, but the large plan's 500m web server fits none.
    const manySmall = roomOf({ nodes: [node('400m', '24Gi'), node('400m', '24Gi'), node('400m', '24Gi'), node('400m', '24Gi')], reserve, admitted: [], plans });
    expect(neverFits('large', plans.large, manySmall)).toMatch(/has a pod that needs 500m CPU and 1 GiB, more than any node has \(400m CPU/);
    // Busy now is not never: a full cluster only makes the store wait.
    expect(neverFits('small', plans.small, roomOf({ nodes: [node('2', '24Gi')], reserve, admitted: Array(7).fill('small'), plans }))).toBeUndefined();
    // No node seen yet: nothing to judge by.
    expect(neverFits('large', plans.large, roomOf({ nodes: [], reserve, admitted: [], plans }))).toBeUndefined();
  });

  it('lets a store grow to a bigger plan only when the difference is free; shrinking always', () => {
    const free = { cpuMilli: 200, memoryBytes: 4 * 2 ** 30 };
    expect(noRoomToGrow('small', 'medium', plans, free)).toBe('No room to grow to medium: it needs 300m CPU and 512 MiB more than small; the cluster has 200m CPU and 4 GiB free for stores. Delete a store, or ask your platform operator to add a node.');
    expect(noRoomToGrow('small', 'medium', plans, { ...free, cpuMilli: 300 })).toBeUndefined();
    expect(noRoomToGrow('large', 'small', plans, { cpuMilli: 0, memoryBytes: 0 })).toBeUndefined();
  });
});
