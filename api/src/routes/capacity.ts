// /api/v1/capacity: the cluster's room for stores, for admins (tenants see their own stores only).
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Capacity } from '../../../contract/schemas.ts';
import { PLAN_NAMES } from '../../../contract/plans.ts';
import type { ClusterRoom } from '../capacity/cluster-room.ts';
import { formatCpu, formatMemory, type Resources } from '../capacity/room.ts';
import { HttpError } from '../http/errors.ts';
import { type Principal, requireScope } from '../http/auth.ts';
import type { StoreReader } from '../store/reader.ts';

const described = (r: Resources) => ({ cpu: formatCpu(r.cpuMilli), memory: formatMemory(r.memoryBytes), cpuMilli: r.cpuMilli, memoryBytes: r.memoryBytes });

export function describeCapacity(room: ClusterRoom | undefined, reader: StoreReader): Capacity {
  if (!room) return { tracked: false };
  const now = room.room();
  return {
    tracked: true,
    allocatable: described(now.allocatable),
    reserve: described(now.reserve),
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
    if (who.role !== 'admin') throw new HttpError(403, 'admin_only', 'Only a platform admin may see the cluster\'s capacity.');
    ctx.body = describeCapacity(room, reader);
  });
  return router;
}
