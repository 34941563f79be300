// Store plans come from the chart (chart/plans.json): the chart sizes its pods from them and
// the platform sizes the namespace's ResourceQuota and LimitRange from them, so the two
// cannot drift apart.
import { readFileSync } from 'node:fs';
import { PLAN_NAMES, type PlanName } from '../../../contract/plans.ts';
import { CHART_PLANS } from '../repo-files.ts';

export type Quantities = { cpu: string; memory: string };
export type ComponentSize = { requests: Quantities; limits: Quantities; storage?: string };

export interface Plan {
  wordpress: ComponentSize & { storage: string };
  mariadb: ComponentSize & { storage: string };
  jobs: ComponentSize;
  backupStorage: string;
  quota: Record<string, string>;
  limitRange: { max: Quantities; default: Quantities; defaultRequest: Quantities; maxStorage: string };
}

export { PLAN_NAMES, type PlanName };

const plansFile = CHART_PLANS;

export const plans: Record<PlanName, Plan> = JSON.parse(readFileSync(plansFile, 'utf8'));
