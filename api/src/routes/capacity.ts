// /api/v1/capacity: the cluster's room for stores, for admins. A tenant's token is told only
// that it is not shown (200, not 403: the dashboard asks for every token it signs in with).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Capacity } from '../../../contract/schemas.ts';
import { PLAN_NAMES } from '../../../contract/plans.ts';
import type { ClusterRoom } from '../capacity/cluster-room.ts';
import { atLeastZero, formatCpu, formatMemory, type Resources, subtract } from '../capacity/room.ts';
import { type Principal, requireScope } from '../http/auth.ts';
import type { StoreReader } from '../store/reader.ts';

const described = (r: Resources) => ({ cpu: formatCpu(r.cpuMilli), memory: formatMemory(r.memoryBytes), cpuMilli: r.cpuMilli, memoryBytes: r.memoryBytes });

export function describeCapacity(room: ClusterRoom | undefined, reader: StoreReader): Capacity {
  if (!room) return { tracked: false, reason: 'The platform does not count room for stores (STOREFLEET_ROOM_RESERVE is not set).' };
  const now = room.room();
  return {
    tracked: true,
    allocatable: described(now.allocatable),
    reserve: described(now.reserve),
    forStores: described(atLeastZero(subtract(now.allocatable, now.reserve))),
    used: described(now.used),
    free: described(now.free),
    storesByPlan: now.storesByPlan,
    waitingForRoom: reader.list().filter((store) => store.state.reason === 'WaitingForRoom').length,
    perStore: Object.fromEntries(PLAN_NAMES.map((plan) => [plan, described(room.need(plan))])) as Capacity['perStore'],
  };
}

export function capacityRouter(room: ClusterRoom | undefined, reader: StoreReader): Router {
  const router = new Router({ prefix: '/api/v1/capacity' });
  router.get('/', (ctx: Context) => {
    const who = ctx.state.principal as Principal;
    requireScope(who, 'read');
    ctx.body = who.role === 'admin' ? describeCapacity(room, reader) : { tracked: false, reason: 'Only a platform admin sees the cluster\'s capacity.' };
  });
  return router;
}
