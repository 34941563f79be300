// Conditions that waiting cannot heal: an image that cannot be downloaded, an invalid image
// name, a pod the store's limits refuse, storage the cluster cannot provide, a container that
// keeps crashing, a pod no node can run. Found in what Kubernetes reports, each one ends the
// operation early (provisioning/fail-fast.ts) with a reason a shop operator can act on,
// instead of a generic timeout minutes later. Pure.
import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';
import type { BlockerCode } from '../../../contract/reasons.ts';
import { ANNOTATIONS } from './names.ts';
import { partOf, type StoreActivity } from './progress.ts';

export type BlockerKind = BlockerCode;

export interface Blocker {
  kind: BlockerKind;
  /** What Kubernetes said, raw. */
  detail: string;
  /** Plain words and the next step. */
  message: string;
  /** When Kubernetes first reported it. */
  signalAt: Date;
  /** When the operation is ended if it is still reported (signal + grace). */
  failAt: Date;
  object: string;
}

export interface BlockerRules {
  /** An image pull may fail once on a flaky network; an offline cluster never heals. */
  pullGraceMs: number;
  storageGraceMs: number;
  /** Refused for the namespace's quota: may heal while an old pod goes away. */
  quotaGraceMs: number;
  /** Restarts after which a crashing container is judged broken. */
  crashRestarts: number;
  /** No node has room: may heal when other pods finish; 0 = never judged. */
  unschedulableGraceMs: number;
  /** No node matches at all (selector, taints). */
  noMatchingNodeGraceMs: number;
}

export const DEFAULT_BLOCKER_RULES: BlockerRules = {
  pullGraceMs: 15_000,
  storageGraceMs: 15_000,
  quotaGraceMs: 30_000,
  crashRestarts: 3,
  unschedulableGraceMs: 0,
  noMatchingNodeGraceMs: 10_000,
};

const eventStart = (event: CoreV1Event) => new Date(event.firstTimestamp ?? event.eventTime ?? event.lastTimestamp ?? event.metadata?.creationTimestamp ?? 0);
const eventEnd = (event: CoreV1Event) => new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp ?? 0);
const later = (at: Date, ms: number) => new Date(at.getTime() + ms);
const podTime = (pod: V1Pod) => new Date(pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? 0);

function partWords(release: string, pod: V1Pod): string {
  const part = partOf(release, 'Pod', pod.metadata?.name ?? '');
  return part === 'database' ? 'the database' : part === 'web' ? 'the web server' : part === 'setup' ? 'the setup step' : `pod ${pod.metadata?.name}`;
}

function eventsAbout(events: readonly CoreV1Event[], kind: string, name: string) {
  return events.filter((event) => event.involvedObject?.kind === kind && event.involvedObject?.name === name);
}

function containerBlockers(activity: StoreActivity, pod: V1Pod, rules: BlockerRules, since: Date): Blocker[] {
  const podName = pod.metadata?.name ?? '';
  const object = `Pod/${podName}`;
  const who = partWords(activity.release, pod);
  const blockers: Blocker[] = [];
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    const reason = waiting?.reason ?? '';
    if (reason === 'ErrImageNeverPull') {
      const signalAt = podTime(pod);
      blockers.push({
        kind: 'ImagePullFailed', object, signalAt, failAt: later(signalAt, rules.pullGraceMs), detail: `${reason}: ${waiting?.message ?? ''}`.trim(),
        message: `Image ${status.image} for ${who} is not on the node, and the platform's values forbid downloading it (pullPolicy Never). Import the image into the cluster, then retry.`,
      });
    } else if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff') {
      const pullFailures = eventsAbout(activity.events, 'Pod', podName).filter((event) => event.reason === 'Failed' && eventEnd(event) >= since);
      const signalAt = pullFailures.length > 0 ? new Date(Math.min(...pullFailures.map((event) => eventStart(event).getTime()))) : podTime(pod);
      blockers.push({
        kind: 'ImagePullFailed', object, signalAt, failAt: later(signalAt, rules.pullGraceMs),
        detail: `${reason}: ${pullFailures.at(-1)?.message ?? waiting?.message ?? ''}`.trim(),
        message: `The cluster cannot download image ${status.image} for ${who}. If this cluster is offline, import the image or set STOREFLEET_PLATFORM_VALUES to local images.`,
      });
    } else if (reason === 'InvalidImageName') {
      const signalAt = podTime(pod);
      blockers.push({
        kind: 'InvalidImageName', object, signalAt, failAt: signalAt, detail: `${reason}: ${waiting?.message ?? ''}`.trim(),
        message: `The image name "${status.image}" for ${who} is not valid. Correct the image in STOREFLEET_PLATFORM_VALUES, then retry.`,
      });
    } else if (reason === 'CrashLoopBackOff' && status.restartCount >= rules.crashRestarts) {
      const last = status.lastState?.terminated;
      const signalAt = new Date(last?.finishedAt ?? podTime(pod));
      blockers.push({
        kind: 'CrashLooping', object, signalAt, failAt: signalAt,
        detail: `${reason}: ${status.restartCount} restarts, last exit code ${last?.exitCode ?? '?'}${last?.reason ? ` (${last.reason})` : ''}`,
        message: `Container ${status.name} of ${who} keeps crashing (${status.restartCount} restarts, last exit code ${last?.exitCode ?? '?'}). Its log says why: kubectl -n ${pod.metadata?.namespace} logs ${podName} -c ${status.name} --previous`,
      });
    }
  }
  return blockers;
}

function schedulingBlocker(activity: StoreActivity, pod: V1Pod, rules: BlockerRules): Blocker | undefined {
  const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (!condition || pod.metadata?.deletionTimestamp) return undefined;
  const detail = condition.message ?? '';
  // Waiting for its storage: the claim's own reports say whether that can come (storageBlockers).
  if (/PersistentVolumeClaim|storageclass|volume/i.test(detail)) return undefined;
  const signalAt = new Date(condition.lastTransitionTime ?? podTime(pod));
  const short = /Insufficient (cpu|memory)/.exec(detail);
  // Lack of room heals when other pods finish (many installs at once on a small cluster):
  // judged only when the operator sets a grace for it.
  if (short && rules.unschedulableGraceMs <= 0) return undefined;
  const who = partWords(activity.release, pod);
  return {
    kind: 'Unschedulable', object: `Pod/${pod.metadata?.name}`, signalAt, detail,
    failAt: later(signalAt, short ? rules.unschedulableGraceMs : rules.noMatchingNodeGraceMs),
    message: short
      ? `No node has enough ${short[1]} free for ${who}. Free capacity on the cluster or add a node, then retry.`
      : `No node may run ${who} (${detail}). Check the node selector and tolerations in STOREFLEET_PLATFORM_VALUES, then retry.`,
  };
}

const LIMIT_REFUSAL = /forbidden: (maximum|minimum)|must specify|LimitRange/i;

function refusalBlockers(activity: StoreActivity, rules: BlockerRules, since: Date): Blocker[] {
  return activity.events
    .filter((event) => event.reason === 'FailedCreate' && eventEnd(event) >= since && /forbidden|exceeded quota/.test(event.message ?? ''))
    .flatMap((event): Blocker[] => {
      const owner = event.involvedObject?.name ?? '';
      const part = partOf(activity.release, 'Pod', owner);
      const limit = LIMIT_REFUSAL.test(event.message ?? '');
      // Refused only for the quota while an earlier pod of the part still runs (an upgrade's
      // rolling update): that heals when the old pod goes.
      const earlierPod = activity.pods.some((pod) => !pod.metadata?.deletionTimestamp && partOf(activity.release, 'Pod', pod.metadata?.name ?? '') === part);
      if (!limit && earlierPod) return [];
      const signalAt = eventStart(event);
      return [{
        kind: 'PodRefused', object: `${event.involvedObject?.kind}/${owner}`, signalAt,
        failAt: later(signalAt, limit ? 0 : rules.quotaGraceMs), detail: event.message ?? '',
        message: `The store needs more resources than its plan allows: Kubernetes refused to create a pod for ${owner} (${limit ? 'the plan\'s per-container limits' : 'the plan\'s quota'}). Choose a larger plan, or ask the platform operator to raise the plan's limits.`,
      }];
    });
}

const STORAGE_FAILURE = /not found|no storage class|no persistent volumes available|failed to provision/i;

function storageBlockers(activity: StoreActivity, rules: BlockerRules, since: Date): Blocker[] {
  return activity.claims
    .filter((claim) => claim.status?.phase !== 'Bound')
    .flatMap((claim): Blocker[] => {
      const name = claim.metadata?.name ?? '';
      const failures = eventsAbout(activity.events, 'PersistentVolumeClaim', name)
        .filter((event) => (event.reason === 'ProvisioningFailed' || event.reason === 'FailedBinding') && eventEnd(event) >= since && STORAGE_FAILURE.test(event.message ?? ''));
      if (failures.length === 0) return [];
      const signalAt = new Date(Math.min(...failures.map((event) => eventStart(event).getTime())));
      const storageClass = claim.spec?.storageClassName;
      return [{
        kind: 'StorageUnavailable', object: `PersistentVolumeClaim/${name}`, signalAt, failAt: later(signalAt, rules.storageGraceMs),
        detail: failures.at(-1)?.message ?? '',
        message: `The cluster cannot provide storage for ${name}${storageClass ? ` (StorageClass "${storageClass}")` : ' (no StorageClass)'}. Set persistence.storageClass in STOREFLEET_PLATFORM_VALUES to a StorageClass the cluster has (kubectl get storageclass), then retry.`,
      }];
    });
}

/** The condition that ends the operation soonest, if any; `since` is the operation's start. */
export function findBlocker(activity: StoreActivity, since: Date, rules: BlockerRules = DEFAULT_BLOCKER_RULES): Blocker | undefined {
  // Only pods of this operation: an earlier pod that crashes may be what the operation fixes.
  const started = since.getTime() - 1000;
  const pods = activity.pods.filter((pod) => !pod.metadata?.deletionTimestamp && new Date(pod.metadata?.creationTimestamp ?? 0).getTime() >= started);
  const blockers = [
    ...pods.flatMap((pod) => containerBlockers(activity, pod, rules, since)),
    ...pods.map((pod) => schedulingBlocker(activity, pod, rules)).filter((b): b is Blocker => !!b),
    ...refusalBlockers(activity, rules, since),
    ...storageBlockers(activity, rules, since),
  ];
  return blockers.sort((a, b) => a.failAt.getTime() - b.failAt.getTime())[0];
}

/** What the Job's failure annotation holds. */
export interface FailureNote {
  kind: string;
  message: string;
  detail: string;
  signalAt: string;
  failedAt: string;
}

export function readFailureNote(job: V1Job | undefined): FailureNote | undefined {
  const raw = job?.metadata?.annotations?.[ANNOTATIONS.failure];
  if (!raw) return undefined;
  try {
    const note = JSON.parse(raw) as Partial<FailureNote>;
    return typeof note.message === 'string' && typeof note.kind === 'string' ? (note as FailureNote) : undefined;
  } catch {
    return undefined;
  }
}
