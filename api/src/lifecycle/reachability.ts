// Whether the kube-apiserver is reachable, from the results of periodic cheap probes: pure,
// so the thresholds are tested apart from the timer and the network (cluster-probe.ts).

export interface Reachability {
  ok: boolean;
  /** Consecutive failed probes (0 after a success). */
  failures: number;
  reason?: string;
}

export interface ReachabilityRules {
  /** Consecutive failures before the cluster counts as unreachable: one lost probe is not an outage. */
  failAfter: number;
}

/** Before any probe has answered: not reachable yet, so /readyz waits for the first answer. */
export const UNPROBED: Reachability = { ok: false, failures: 0, reason: 'not checked yet' };

export type ProbeResult = { ok: true } | { ok: false; reason: string };

export function observeProbe(state: Reachability, result: ProbeResult, rules: ReachabilityRules): Reachability {
  // One answer is enough to come back: the informers re-list on their own, and a wrong "ok"
  // costs one refused request, while a slow recovery keeps a healthy replica out of service.
  if (result.ok) return { ok: true, failures: 0 };
  const failures = state.failures + 1;
  // Unreachable at once when it never was reachable; otherwise only after `failAfter` in a row.
  const ok = state.ok && failures < rules.failAfter;
  return { ok, failures, reason: ok ? undefined : `kube-apiserver: ${result.reason}` };
}
