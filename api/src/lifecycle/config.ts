// The lifecycle's settings from the environment, apart from config.ts so start and shutdown
// read only what they need before anything else is made.
import { z } from 'zod';

const schema = z.object({
  /** After SIGTERM, how long requests in flight may take to finish before their connections are closed. */
  STOREFLEET_DRAIN_SECONDS: z.coerce.number().min(0).max(600).default(20),
  /** How often the kube-apiserver is asked whether it answers (also each ask's timeout). */
  STOREFLEET_CLUSTER_CHECK_SECONDS: z.coerce.number().min(0.2).max(60).default(2),
});

export type LifecycleConfig = ReturnType<typeof loadLifecycleConfig>;

export function loadLifecycleConfig(env: Record<string, string | undefined>) {
  const raw = schema.parse(env);
  return {
    drainMs: raw.STOREFLEET_DRAIN_SECONDS * 1000,
    // Two missed answers in a row: one lost probe is not an outage.
    cluster: { everyMs: raw.STOREFLEET_CLUSTER_CHECK_SECONDS * 1000, timeoutMs: raw.STOREFLEET_CLUSTER_CHECK_SECONDS * 1000, failAfter: 2 },
    permissionsEveryMs: 60_000,
    /** What an event stream ended by a shutdown tells its reader to wait before reconnecting. */
    sseRetryMs: 1000,
  };
}
