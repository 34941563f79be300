// Recording a new operation as the store's intent: a compare-and-swap on the namespace (its
// resourceVersion), never a read-then-write, so operations on one store are serialized
// across requests and replicas. Then the intent is carried out (carry-out.ts).
import type * as k8s from '@kubernetes/client-node';
import { clusterUnavailable, statusCode } from '../kube/clients.ts';
import { buildIntent, intentAnnotations, intentStarted, type OperationIntent, readIntent } from '../store/intent.ts';
import { ANNOTATIONS, LABELS, type Operation } from '../store/names.ts';
import { specHash, type StoreSpec } from '../store/spec.ts';
import { carryOut } from './carry-out.ts';
import { checkHost } from './create-rules.ts';
import { isHostClaim } from './host-claims.ts';
import { CAS_ATTEMPTS, type OperationsContext, StoreConflict } from './operation-context.ts';
import { movesHost, nextSeq, type OperationProgress, progressOf, recordRefusal, type StartDecision } from './operation-decisions.ts';
import { type HeldSlot, heldSlots } from './slots.ts';
import { annotate, highestSeq, podsOf, readJob, readStoreNamespace } from './store-access.ts';

/** The host Lease a change claimed, and whether the namespace records it yet. */
interface HostMove {
  host?: HeldSlot;
  recorded?: boolean;
}

/** The intent's Job and its pods, as progressOf needs them (nothing is read for an intent not started). */
async function intentJob(ctx: OperationsContext, namespace: k8s.V1Namespace, intent: OperationIntent): Promise<[k8s.V1Job | undefined, k8s.V1Pod[]]> {
  if (!intentStarted(namespace, intent)) return [undefined, []];
  const job = await readJob(ctx, intent.job);
  return [job, job ? await podsOf(ctx, `job-name=${intent.job}`) : []];
}

/**
 * Records a new operation as the store's intent with a compare-and-swap on the namespace,
 * then carries it out. `check` (operation-decisions.ts mayStart) sees the store's current
 * intent and how far it has come: record this one, keep the current one, or refuse.
 */
export async function requestOperation(
  ctx: OperationsContext,
  name: string,
  operation: Operation,
  request: { spec?: StoreSpec; requestId?: string; rollbackTo?: number; deleting?: boolean },
  check: (current: OperationIntent | undefined, progress: OperationProgress) => StartDecision,
): Promise<string> {
  const claim: HostMove = {};
  let unanswered = false;
  try {
    return await recordOperation(ctx, name, operation, request, check, claim);
  } catch (error) {
    unanswered = clusterUnavailable(error); // the move may have been recorded: left to the sweep
    throw error;
  } finally {
    if (claim.host && !claim.recorded && !unanswered) await ctx.slots.releaseClaimed([claim.host]).catch(() => undefined);
  }
}

/**
 * A new host is claimed before it is recorded and the old one freed after: a crash in
 * between leaves a Lease the namespace does not record, which the sweep frees.
 */
async function recordOperation(
  ctx: OperationsContext,
  name: string,
  operation: Operation,
  request: { spec?: StoreSpec; requestId?: string; rollbackTo?: number; deleting?: boolean },
  check: (current: OperationIntent | undefined, progress: OperationProgress) => StartDecision,
  claim: HostMove,
): Promise<string> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const namespace = await readStoreNamespace(ctx, name);
    const refusal = recordRefusal(namespace, name, request);
    if (refusal) throw new StoreConflict(refusal);
    const current = readIntent(namespace);
    const progress = current ? progressOf(namespace, current, ...(await intentJob(ctx, namespace, current))) : 'none';
    const decision = check(current, progress);
    if (decision.kind === 'refuse') throw new StoreConflict(decision.message);
    if (decision.kind === 'keep') return current!.job;
    const seq = nextSeq(namespace, await highestSeq(ctx, name));
    const intent = buildIntent(name, operation, seq, { requestId: request.requestId, rollbackTo: request.rollbackTo });
    const annotations: Record<string, string> = { ...intentAnnotations(intent) };
    if (request.spec) Object.assign(annotations, { [ANNOTATIONS.spec]: JSON.stringify(request.spec), [ANNOTATIONS.specHash]: specHash(request.spec) });
    if (request.deleting) annotations[ANNOTATIONS.deleting] = new Date().toISOString();
    const moving = movesHost(namespace, request.spec);
    if (moving) {
      if (!claim.host) {
        checkHost(ctx.settings.hosts, name, namespace.metadata!.labels![LABELS.tenant]!, request.spec!.host);
        claim.host = await ctx.hosts.claim(request.spec!.host, name, namespace.metadata!.labels![LABELS.tenant]!);
      }
      // A namespace from before slots were recorded holds every Lease labelled with its name.
      const held = heldSlots(namespace);
      if (held) annotations[ANNOTATIONS.slots] = JSON.stringify([...held.filter((slot) => !isHostClaim(slot)), claim.host]);
    }
    let updated: k8s.V1Namespace;
    try {
      updated = await annotate(ctx, namespace, annotations);
    } catch (error) {
      if (statusCode(error) === 409) continue; // the store changed since we read it: decide again
      throw error;
    }
    if (moving) {
      claim.recorded = true;
      await ctx.slots.releaseClaimed((heldSlots(namespace) ?? []).filter(isHostClaim)).catch(() => undefined);
    }
    return carryOut(ctx, updated);
  }
  throw new StoreConflict(`Too many concurrent changes to store "${name}"; try again.`);
}
