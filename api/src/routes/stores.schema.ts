// Input schemas of the stores API; the same rules the element applies as you type.
import { z } from 'zod';
import { RESERVED_STORE_NAMES, STORE_NAME_PATTERN, STORE_NAME_RESERVED, STORE_NAME_RULE } from '../../../contract/names.ts';
import { PLAN_NAMES } from '../store/plans.ts';
import { EMAIL_RULE, HOST_RULE, meetsRule, TITLE_RULE, type ValueRule } from '../store/value-rules.ts';
import { SORTS, STORE_PHASES } from '../store/list-page.ts';

export const storeName = z.string()
  .regex(STORE_NAME_PATTERN, STORE_NAME_RULE)
  .refine((name) => !RESERVED_STORE_NAMES.has(name), STORE_NAME_RESERVED);

/** A string the chart's values.schema.json accepts (store/value-rules.ts); documented with its pattern and lengths. */
const chartString = (rule: ValueRule, message: string, trim = false) => (trim ? z.string().trim() : z.string())
  .refine((value) => meetsRule(rule, value), message)
  .meta({ pattern: rule.pattern.source, minLength: rule.minLength || undefined, maxLength: rule.maxLength });

export const hostName = chartString(HOST_RULE, 'Not a valid host name.');

const settings = {
  plan: z.enum(PLAN_NAMES),
  host: hostName.describe('Default and always allowed: <name>.<base domain>. Other hosts only under a domain the platform operator gives your tenant; one store per host.'),
  // Spaces around the title are dropped before the rule applies: the store gets the trimmed title.
  title: chartString(TITLE_RULE, `A title is ${TITLE_RULE.minLength}-${TITLE_RULE.maxLength} characters, not only spaces.`, true),
  adminEmail: chartString(EMAIL_RULE, 'Not a valid email address (a plain name@domain.tld).'),
};

/** The kinds of store the platform makes (the seed's clients send `type`). */
export const STORE_TYPES = ['woocommerce'] as const;

export const createStoreBody = z.strictObject({
  name: storeName,
  type: z.enum(STORE_TYPES, { error: `Unknown store type; valid types: ${STORE_TYPES.join(', ')}.` }).optional(),
  plan: settings.plan.default('small'),
  host: settings.host.optional(),
  title: settings.title.optional(),
  adminEmail: settings.adminEmail.optional(),
});

export const changeStoreBody = z.strictObject({
  plan: settings.plan.optional(),
  host: settings.host.optional(),
  title: settings.title.optional(),
  adminEmail: settings.adminEmail.optional(),
}).refine((body) => Object.keys(body).length > 0, 'Say what to change: plan, host, title or adminEmail.');

export const rollbackBody = z.strictObject({ revision: z.number().int().min(0).max(10_000).default(0) });

export const storeParams = z.object({ name: storeName });

/** The largest page; without `limit` the list holds every match. */
export const MAX_PAGE_SIZE = 500;

/** `GET /api/v1/stores`: every parameter optional; an unknown or repeated one is a 400. */
export const listStoresQuery = z.strictObject({
  limit: z.string().regex(/^[0-9]{1,4}$/, 'limit is a whole number.').transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE, `limit is at most ${MAX_PAGE_SIZE}.`)).optional()
    .meta({ description: `Page size, 1-${MAX_PAGE_SIZE}; without it, every matching store.` }),
  continue: z.string().min(1).max(2000).optional()
    .meta({ description: 'The `metadata.continue` of the previous page, sent with the same phase, q and sort.' }),
  phase: z.enum(STORE_PHASES).optional(),
  q: z.string().trim().max(100).optional().transform((q) => q || undefined)
    .meta({ description: 'Text found in the name, owner, shop host or title (case-insensitive).' }),
  sort: z.enum(SORTS).default('name')
    .meta({ description: '`name`, `createdAt` or `phase` (failed first); `-` for the reverse order. Ties go by name.' }),
});

export type CreateStoreBody = z.infer<typeof createStoreBody>;
export type ChangeStoreBody = z.infer<typeof changeStoreBody>;
export type ListStoresQuery = z.infer<typeof listStoresQuery>;
