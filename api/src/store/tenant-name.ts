// A tenant name ends up in Kubernetes label values: the store namespace's storefleet.io/tenant
// and each store-limit slot's storefleet.io/slot-scope "tenant-<tenant>" (provisioning/slots.ts).
// Label values are at most 63 characters, so a longer name would make every create of that
// tenant fail at the API server: it is refused when the configuration is loaded instead.
import { z } from 'zod';

/** The slot scope of a tenant's store limit: a label value and part of the slot Leases' names. */
export const tenantSlotScope = (tenant: string) => `tenant-${tenant}`;

const LABEL_VALUE_MAX = 63;
export const TENANT_NAME_MAX = LABEL_VALUE_MAX - tenantSlotScope('').length;
const TENANT_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const tenantName = z.string()
  .regex(TENANT_NAME_PATTERN, 'A tenant name is lowercase letters, digits and dashes, starting and ending with a letter or digit.')
  .max(TENANT_NAME_MAX, `A tenant name is at most ${TENANT_NAME_MAX} characters: its slot label ${tenantSlotScope('<tenant>')} must fit Kubernetes' ${LABEL_VALUE_MAX}.`);
