// /api/v1/plans: what each plan gives a store, for the create form's plan picker.
import Router from '@koa/router';
import type { Context } from 'koa';
import { type Principal, requireScope } from '../http/auth.ts';
import type { PlanSummary } from '../../../contract/plans.ts';
import { PLAN_NAMES, plans } from '../store/plans.ts';

export function describePlans(): PlanSummary[] {
  return PLAN_NAMES.map((name) => {
    const plan = plans[name];
    return { name, cpu: plan.quota['limits.cpu']!, memory: plan.quota['limits.memory']!, storage: plan.wordpress.storage };
  });
}

export function plansRouter(): Router {
  const router = new Router({ prefix: '/api/v1/plans' });
  const items = describePlans();
  router.get('/', (ctx: Context) => {
    requireScope(ctx.state.principal as Principal, 'read');
    ctx.body = { items };
  });
  return router;
}
