// Store plans as both sides name them. The sizes come from the chart (chart/plans.json) and
// the API serves them at /api/v1/plans; the elements show FALLBACK_PLANS until it answers.
// No dependencies (the elements import this at run time).

export const PLAN_NAMES = ['small', 'medium', 'large'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/** What a plan gives a store, as /api/v1/plans lists it (quantities as Kubernetes writes them). */
export interface PlanSummary {
  name: string;
  cpu: string;
  memory: string;
  storage: string;
}

/** The plans the API always offers, shown until /api/v1/plans answers (sizes unknown yet). */
export const FALLBACK_PLANS: PlanSummary[] = PLAN_NAMES.map((name) => ({ name, cpu: '', memory: '', storage: '' }));
