// How much room the cluster has for stores, in the style of Kueue's ClusterQueue: a nominal
// quota (the schedulable nodes' allocatable minus a reserve for everything that is not a
// store) against which each admitted store's plan is counted. The platform may not read the
// pods of namespaces it did not make (least privilege), so it counts what it admitted, not
// what others request; the reserve is the operator's word for the rest. Pure.
import type { V1Node } from '@kubernetes/client-node';
import type { PlanName } from '../../../contract/plans.ts';
import type { Plan } from '../store/plans.ts';
import { parseQuantity } from '../store/quantity.ts';

/** CPU in millicores, memory in bytes. */
export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
}

export const NONE: Resources = { cpuMilli: 0, memoryBytes: 0 };

export const add = (a: Resources, b: Resources): Resources => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryBytes: a.memoryBytes + b.memoryBytes });
export const subtract = (a: Resources, b: Resources): Resources => ({ cpuMilli: a.cpuMilli - b.cpuMilli, memoryBytes: a.memoryBytes - b.memoryBytes });
export const fitsIn = (need: Resources, room: Resources) => need.cpuMilli <= room.cpuMilli && need.memoryBytes <= room.memoryBytes;

const larger = (a: Resources, b: Resources): Resources => ({ cpuMilli: Math.max(a.cpuMilli, b.cpuMilli), memoryBytes: Math.max(a.memoryBytes, b.memoryBytes) });
export const atLeastZero = (r: Resources) => larger(r, NONE);

export function resources(quantities: { cpu?: string; memory?: string } | undefined): Resources {
  return {
    cpuMilli: Math.round(parseQuantity(quantities?.cpu ?? '0') * 1000),
    memoryBytes: Math.round(parseQuantity(quantities?.memory ?? '0')),
  };
}

/** `cpu=300m,memory=512Mi` (STOREFLEET_ROOM_RESERVE's form) as resources. */
export function parseReserve(text: string): Resources {
  const pairs = Object.fromEntries(text.split(',').map((pair) => pair.split('=') as [string, string]));
  return resources({ cpu: pairs.cpu, memory: pairs.memory });
}

/**
 * What a store of the plan requests while it runs: its web server, its database and one of
 * its Jobs (setup, backup or wp-cron) at a time. `pods` are the same one by one: the largest
 * must fit on one node.
 */
export function footprint(plan: Plan): { total: Resources; pods: Resources[] } {
  const pods = [plan.wordpress, plan.mariadb, plan.jobs].map((component) => resources(component.requests));
  return { total: pods.reduce(add, NONE), pods };
}

/** A node that takes new pods: Ready, not cordoned, no NoSchedule/NoExecute taint. */
export function schedulable(node: V1Node): boolean {
  if (node.spec?.unschedulable) return false;
  if (node.spec?.taints?.some((taint) => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute')) return false;
  return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

export interface RoomInputs {
  nodes: readonly V1Node[];
  /** Kept for everything that is not a store: the system, the platform, its Jobs. */
  reserve: Resources;
  /** The plan of every store that holds room (admitted, not waiting in the queue). */
  admitted: readonly PlanName[];
  plans: Record<PlanName, Plan>;
}

export interface Room {
  /** Allocatable of the schedulable nodes. */
  allocatable: Resources;
  /** Allocatable of every node, cordoned or not ready too: what the cluster could give once they are back. */
  ceiling: Resources;
  reserve: Resources;
  /** What admitted stores' plans hold. */
  used: Resources;
  /** What a new store may still take (never below zero). */
  free: Resources;
  /** The most one node (any node) can give one pod: a bigger pod never runs. */
  largestNode: Resources;
  storesByPlan: Record<PlanName, number>;
}

export function roomOf({ nodes, reserve, admitted, plans }: RoomInputs): Room {
  const allocatable = nodes.filter(schedulable).map((node) => resources(node.status?.allocatable)).reduce(add, NONE);
  const every = nodes.map((node) => resources(node.status?.allocatable));
  const largestNode = every.reduce(larger, NONE);
  const storesByPlan = Object.fromEntries(Object.keys(plans).map((name) => [name, 0])) as Record<PlanName, number>;
  let used = NONE;
  for (const plan of admitted) {
    storesByPlan[plan] += 1;
    used = add(used, footprint(plans[plan]).total);
  }
  const left = subtract(subtract(allocatable, reserve), used);
  return { allocatable, ceiling: every.reduce(add, NONE), reserve, used, free: atLeastZero(left), largestNode, storesByPlan };
}

export function formatCpu(milli: number): string {
  return milli % 1000 === 0 ? `${milli / 1000} CPU` : milli > 1000 ? `${(milli / 1000).toFixed(2).replace(/0$/, '')} CPU` : `${milli}m CPU`;
}

export function formatMemory(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return mib >= 1024 ? `${(mib / 1024).toFixed(1).replace(/\.0$/, '')} GiB` : `${Math.round(mib)} MiB`;
}

const both = (r: Resources) => `${formatCpu(r.cpuMilli)} and ${formatMemory(r.memoryBytes)}`;

/** "waiting for room" in words: what the store needs and what is free, naming what is short. */
export function waitingForRoomMessage(plan: PlanName, need: Resources, free: Resources): string {
  const short = [
    need.cpuMilli > free.cpuMilli ? formatCpu(free.cpuMilli) : undefined,
    need.memoryBytes > free.memoryBytes ? formatMemory(free.memoryBytes) : undefined,
  ].filter(Boolean).join(' and ');
  return `Waiting for room: a ${plan} store needs ${both(need)}; the cluster has ${short || both(free)} free for stores. It starts by itself when a store is deleted or a node is added.`;
}

/** Why a store of the plan can never run here, or undefined when it could once there is room. */
export function neverFits(planName: PlanName, plan: Plan, room: Room): string | undefined {
  if (room.ceiling.cpuMilli === 0) return undefined; // no node seen yet: nothing to judge by
  const { total, pods } = footprint(plan);
  const capacity = subtract(room.ceiling, room.reserve);
  if (!fitsIn(total, capacity)) {
    return `A ${planName} store needs ${both(total)}, more than this cluster can ever give stores (${both(atLeastZero(capacity))}). Choose a smaller plan, or add nodes.`;
  }
  const biggest = pods.find((pod) => !fitsIn(pod, room.largestNode));
  if (biggest) return `A ${planName} store has a pod that needs ${both(biggest)}, more than any node has (${both(room.largestNode)}). Choose a smaller plan, or add a bigger node.`;
  return undefined;
}

/** Why a store cannot move from one plan to a bigger one now (the cluster lacks the difference), or undefined. */
export function noRoomToGrow(from: PlanName, to: PlanName, plans: Record<PlanName, Plan>, free: Resources): string | undefined {
  const more = atLeastZero(subtract(footprint(plans[to]).total, footprint(plans[from]).total));
  if (fitsIn(more, free)) return undefined;
  return `No room to grow to ${to}: it needs ${both(more)} more than ${from}; the cluster has ${both(free)} free for stores. Delete a store, or ask your platform operator to add a node.`;
}
