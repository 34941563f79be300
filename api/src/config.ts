// Configuration from the environment, validated once at start.
import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { hashToken, SCOPES, type TokenEntry } from './http/auth.ts';
import { tenantName } from './store/tenant-name.ts';
import { parseCidrs, PRIVATE_CIDRS } from './provisioning/cidrs.ts';
import { hostName } from './routes/stores.schema.ts';
import { type HostPolicy, hostPolicyProblem } from './store/host-rules.ts';
import { DEFAULT_BLOCKER_RULES } from './store/blockers.ts';
import { WRITE_STEPS, type WriteStep } from './provisioning/operation-context.ts';
import { parseReserve } from './capacity/room.ts';

const tokenEntries = z.array(z.strictObject({
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  tenant: tenantName,
  role: z.enum(['admin', 'tenant']),
  scopes: z.array(z.enum(SCOPES)).optional(),
}));

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  STOREFLEET_PROVISIONER_IMAGE: z.string().default('storefleet.local/provisioner:dev'),
  STOREFLEET_HELM_TIMEOUT_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  STOREFLEET_JOB_BACKOFF_LIMIT: z.coerce.number().int().min(0).max(5).default(1),
  STOREFLEET_JOB_TTL_SECONDS: z.coerce.number().int().min(60).default(86_400),
  STOREFLEET_BASE_DOMAIN: z.string().default('localhost'),
  /** JSON object: tenant → domains its stores may use besides <name>.<base domain>. */
  STOREFLEET_TENANT_DOMAINS: z.string().default('{}'),
  /** Comma-separated hosts the platform serves (dashboard, API): no store may have them. Default storefleet.<base domain>. */
  STOREFLEET_PLATFORM_HOSTS: z.string().optional(),
  STOREFLEET_INGRESS_NAMESPACE: z.string().default('kube-system'),
  /** IPv4 CIDRs of the cluster's pods, services and nodes: stores get HTTPS egress only outside them. */
  STOREFLEET_CLUSTER_CIDRS: z.string().default(PRIVATE_CIDRS.join(',')),
  /** DNS servers stores may ask besides the kube-dns pods (a node-local cache, a host CoreDNS), as IPv4 CIDRs. */
  STOREFLEET_DNS_CIDRS: z.string().default(''),
  STOREFLEET_PLATFORM_VALUES: z.string().default('{}'),
  /** host:port where pods reach the ingress controller: a change is done only once the shop opens there. "" = no check. */
  STOREFLEET_SHOP_CHECK_ADDRESS: z.string().regex(/^([a-z0-9.-]+:\d{1,5})?$/i, 'host:port, e.g. traefik.kube-system:80').default(''),
  STOREFLEET_API_TOKENS: z.string().default('[]'),
  /** The same JSON in a file: a mounted Kubernetes Secret. */
  STOREFLEET_API_TOKENS_FILE: z.string().optional(),
  /** A plain token for a developer's own `npm start`: tenant "dev", role admin. */
  STOREFLEET_DEV_TOKEN: z.string().optional(),
  STOREFLEET_MAX_STORES_PER_TENANT: z.coerce.number().int().min(0).max(10_000).default(20),
  /** JSON object: tenant → its own store limit. */
  STOREFLEET_TENANT_STORE_LIMITS: z.string().default('{}'),
  REDIS_URL: z.string().url().optional(),
  /** Redis's password, from a Secret: REDIS_URL may sit in a ConfigMap. */
  REDIS_PASSWORD: z.string().min(1).optional(),
  STOREFLEET_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  STOREFLEET_RATE_READ_MAX: z.coerce.number().int().min(1).default(600),
  STOREFLEET_RATE_WRITE_MAX: z.coerce.number().int().min(1).default(60),
  STOREFLEET_MAX_STORES: z.coerce.number().int().min(0).max(100_000).default(1000),
  /** How long the reconciler leaves an operation whose Job is not made yet to the request that asked for it. */
  STOREFLEET_RECOVERY_GRACE_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Slots, provisioner ServiceAccounts and records no live store holds are freed once this old. */
  STOREFLEET_SWEEP_MIN_AGE_SECONDS: z.coerce.number().min(1).max(86_400).default(60),
  /** End operations early on conditions waiting cannot heal (store/blockers.ts). */
  STOREFLEET_FAIL_FAST: z.enum(['true', 'false']).default('true'),
  STOREFLEET_IMAGE_PULL_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(15),
  STOREFLEET_UNSCHEDULABLE_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(0),
  STOREFLEET_CRASH_RESTARTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Operation Jobs that may run at once, platform-wide (the rest wait, suspended); 0 = no queue. */
  STOREFLEET_MAX_CONCURRENT_OPERATIONS: z.coerce.number().int().min(0).max(1000).default(5),
  /**
   * Room admission: what the cluster keeps for everything that is not a store ("cpu=300m,memory=512Mi").
   * Set, a new store starts only once the nodes' allocatable minus this minus the admitted stores' plans holds its plan; "" = off.
   */
  STOREFLEET_ROOM_RESERVE: z.string().regex(/^(cpu=[0-9.]+m?,memory=[0-9.]+(Ki|Mi|Gi)?)?$/, 'cpu=<quantity>,memory=<quantity>, e.g. cpu=300m,memory=512Mi').default(''),
  /** How long a new store waits for room before it fails with the reason. */
  STOREFLEET_ROOM_WAIT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  /** How long the queue's leader Lease lasts unrenewed before another replica takes over. */
  STOREFLEET_QUEUE_LEASE_SECONDS: z.coerce.number().int().min(2).max(300).default(15),
  /** Test only: the crash tests' fault hook, "<write step>" after which the process SIGKILLs itself. */
  STOREFLEET_TEST_CRASH_AFTER: z.enum(WRITE_STEPS).optional(),
  NODE_ENV: z.string().optional(),
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: Record<string, string | undefined>) {
  const raw = schema.parse(env);
  if (raw.STOREFLEET_TEST_CRASH_AFTER && raw.NODE_ENV === 'production') {
    // A process that kills itself mid-create has no place in production, whatever the env says.
    throw new Error('STOREFLEET_TEST_CRASH_AFTER is a test-only fault hook and is refused when NODE_ENV=production.');
  }
  const tokens: TokenEntry[] = tokenEntries.parse(JSON.parse(raw.STOREFLEET_API_TOKENS_FILE ? readFileSync(raw.STOREFLEET_API_TOKENS_FILE, 'utf8') : raw.STOREFLEET_API_TOKENS));
  if (raw.STOREFLEET_DEV_TOKEN) tokens.push({ sha256: hashToken(raw.STOREFLEET_DEV_TOKEN), tenant: 'dev', role: 'admin' });
  return {
    port: raw.PORT,
    host: raw.HOST,
    baseDomain: raw.STOREFLEET_BASE_DOMAIN,
    tokens,
    redis: raw.REDIS_URL ? { url: raw.REDIS_URL, password: raw.REDIS_PASSWORD } : undefined,
    rateLimit: { durationMs: raw.STOREFLEET_RATE_WINDOW_SECONDS * 1000, readMax: raw.STOREFLEET_RATE_READ_MAX, writeMax: raw.STOREFLEET_RATE_WRITE_MAX },
    operations: {
      image: raw.STOREFLEET_PROVISIONER_IMAGE,
      helmTimeoutSeconds: raw.STOREFLEET_HELM_TIMEOUT_SECONDS,
      backoffLimit: raw.STOREFLEET_JOB_BACKOFF_LIMIT,
      ttlSecondsAfterFinished: raw.STOREFLEET_JOB_TTL_SECONDS,
      ingressNamespace: raw.STOREFLEET_INGRESS_NAMESPACE,
      clusterCidrs: parseCidrs(raw.STOREFLEET_CLUSTER_CIDRS, 'STOREFLEET_CLUSTER_CIDRS'),
      dnsCidrs: parseCidrs(raw.STOREFLEET_DNS_CIDRS, 'STOREFLEET_DNS_CIDRS'),
      platformValues: z.record(z.string(), z.unknown()).parse(JSON.parse(raw.STOREFLEET_PLATFORM_VALUES)),
      shopCheckAddress: raw.STOREFLEET_SHOP_CHECK_ADDRESS,
      queued: raw.STOREFLEET_MAX_CONCURRENT_OPERATIONS > 0,
      maxStoresPerTenant: raw.STOREFLEET_MAX_STORES_PER_TENANT,
      tenantStoreLimits: z.record(tenantName, z.number().int().min(0)).parse(JSON.parse(raw.STOREFLEET_TENANT_STORE_LIMITS)),
      maxStores: raw.STOREFLEET_MAX_STORES,
      afterWrite: crashAfter(raw.STOREFLEET_TEST_CRASH_AFTER),
      sweepMinAgeMs: raw.STOREFLEET_SWEEP_MIN_AGE_SECONDS * 1000,
      hosts: hostPolicy(raw.STOREFLEET_BASE_DOMAIN, raw.STOREFLEET_TENANT_DOMAINS, raw.STOREFLEET_PLATFORM_HOSTS),
    },
    recoveryGraceMs: raw.STOREFLEET_RECOVERY_GRACE_SECONDS * 1000,
    queue: { cap: raw.STOREFLEET_MAX_CONCURRENT_OPERATIONS, leaseSeconds: raw.STOREFLEET_QUEUE_LEASE_SECONDS },
    room: roomSettings(raw.STOREFLEET_ROOM_RESERVE, raw.STOREFLEET_ROOM_WAIT_SECONDS, raw.STOREFLEET_MAX_CONCURRENT_OPERATIONS),
    failFast: raw.STOREFLEET_FAIL_FAST === 'false' ? undefined : {
      ...DEFAULT_BLOCKER_RULES,
      pullGraceMs: raw.STOREFLEET_IMAGE_PULL_GRACE_SECONDS * 1000,
      unschedulableGraceMs: raw.STOREFLEET_UNSCHEDULABLE_GRACE_SECONDS * 1000,
      crashRestarts: raw.STOREFLEET_CRASH_RESTARTS,
    },
  };
}

function hostPolicy(baseDomain: string, tenantDomains: string, platformHosts: string | undefined): HostPolicy {
  const policy = {
    baseDomain,
    tenantDomains: z.record(z.string(), z.array(hostName)).parse(JSON.parse(tenantDomains)),
    platformHosts: z.array(hostName).parse((platformHosts ?? `storefleet.${baseDomain}`).split(',').map((host) => host.trim()).filter(Boolean)),
  };
  const problem = hostPolicyProblem(policy);
  if (problem) throw new Error(`STOREFLEET_TENANT_DOMAINS: ${problem}`);
  return policy;
}

/** The fault hook: a real SIGKILL, so nothing after that write runs, not even exit handlers. */
function crashAfter(step: WriteStep | undefined) {
  if (!step) return undefined;
  return (done: WriteStep) => {
    if (done === step) process.kill(process.pid, 'SIGKILL');
  };
}

/** Room admission's settings, or undefined when it is off. It lives in the queue, so it needs one. */
function roomSettings(reserve: string, waitSeconds: number, queueCap: number) {
  if (!reserve) return undefined;
  if (queueCap === 0) throw new Error('STOREFLEET_ROOM_RESERVE needs the provisioning queue: set STOREFLEET_MAX_CONCURRENT_OPERATIONS above 0.');
  return { reserve: parseReserve(reserve), maxWaitMs: waitSeconds * 1000 };
}
