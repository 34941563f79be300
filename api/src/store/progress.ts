// What Kubernetes reports about a store while an operation runs, in plain words: its
// namespace's Events and its pods' and claims' states become progress items, and its parts
// (storage, database, web, setup) a summary such as "2 of 4 parts ready". Pure: the watches
// that feed it are kube/store-activity.ts.
import { createHash } from 'node:crypto';
import type { CoreV1Event, V1ContainerStatus, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { readTerminationMessage } from '../../../contract/reasons.ts';
import { PART_NAMES, type PartName, type PartState, type ProgressItem, type ProgressSummary } from '../../../contract/schemas.ts';

export type { PartName, PartPhase, PartState, ProgressItem, ProgressSummary } from '../../../contract/schemas.ts';
export const PARTS: readonly PartName[] = PART_NAMES;

export interface StoreActivity {
  release: string;
  events: readonly CoreV1Event[];
  pods: readonly V1Pod[];
  claims: readonly V1PersistentVolumeClaim[];
}

const PART_LABEL = 'app.kubernetes.io/component';

/** Which part of the store an object is, from the chart's names (`<release>-mariadb-0`, …). */
export function partOf(release: string, kind: string, name: string): PartName | undefined {
  if (kind === 'PersistentVolumeClaim') return 'storage';
  const rest = name.startsWith(`${release}-`) ? name.slice(release.length + 1) : '';
  if (rest.startsWith('mariadb')) return 'database';
  if (rest.startsWith('wordpress')) return 'web';
  if (rest.startsWith('setup')) return 'setup';
  return undefined;
}

function podPart(release: string, pod: V1Pod): PartName | undefined {
  const component = pod.metadata?.labels?.[PART_LABEL];
  if (component === 'mariadb') return 'database';
  if (component === 'wordpress') return 'web';
  if (component === 'setup') return 'setup';
  return partOf(release, 'Pod', pod.metadata?.name ?? '');
}

const image = (message: string) => /image "([^"]+)"/.exec(message)?.[1] ?? 'the image';

/** Plain words for an Event; the reason itself stays beside them. */
export function describeEvent(event: CoreV1Event): string {
  const message = (event.message ?? '').trim();
  const what = `${event.involvedObject?.kind ?? 'object'} ${event.involvedObject?.name ?? ''}`.trim();
  switch (event.reason) {
    case 'Scheduled': return `Placed ${what} on node ${/ to (\S+)$/.exec(message)?.[1] ?? 'a node'}.`;
    case 'Pulling': return `Downloading ${image(message)}.`;
    case 'Pulled': return message.includes('already present') ? `${image(message)} is already on the node.` : `Downloaded ${image(message)}.`;
    case 'Created': return `Created ${message.replace(/^Created container:?\s*/, 'container ')}.`;
    case 'Started': return `Started ${message.replace(/^Started container:?\s*/, 'container ')}.`;
    case 'Killing': return `Stopping ${message.replace(/^Stopping container:?\s*/, 'container ')}.`;
    case 'Unhealthy': return `Not ready yet: ${message}`;
    case 'BackOff': return message.includes('pulling') ? `Waiting before trying to download ${image(message)} again.` : `A container keeps stopping; Kubernetes waits before restarting it (${what}).`;
    case 'Failed': return message.includes('pull') || message.includes('image') ? `Cannot download ${image(message)}: ${message}` : `${what} failed: ${message}`;
    case 'InspectFailed': return `The image name cannot be used: ${message}`;
    case 'FailedScheduling': return `No node can run ${what} yet: ${message}`;
    case 'FailedCreate': return `Kubernetes refused to create a pod for ${what}: ${message}`;
    case 'SuccessfulCreate': return `${what}: ${message}.`;
    case 'SuccessfulDelete': return `${what}: ${message}.`;
    case 'ScalingReplicaSet': return `${message}.`;
    case 'WaitForFirstConsumer': return `${what} waits for its pod before storage is made.`;
    case 'ExternalProvisioning': case 'Provisioning': return `Making storage for ${what}.`;
    case 'ProvisioningSucceeded': return `Storage for ${what} is ready.`;
    case 'ProvisioningFailed': case 'FailedBinding': return `Storage for ${what} cannot be made: ${message}`;
    case 'Completed': return `${what} finished.`;
    default: return message ? `${what}: ${message}` : `${what}: ${event.reason ?? 'event'}`;
  }
}

const eventTime = (event: CoreV1Event) => new Date(event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? event.metadata?.creationTimestamp ?? 0);

export function eventItem(release: string, event: CoreV1Event): ProgressItem {
  const kind = event.involvedObject?.kind ?? '';
  const name = event.involvedObject?.name ?? '';
  const part = partOf(release, kind, name);
  return {
    key: `event:${event.metadata?.uid ?? event.metadata?.name}:${event.count ?? 1}`,
    at: eventTime(event).toISOString(),
    text: describeEvent(event),
    reason: event.reason ?? '',
    object: `${kind}/${name}`,
    ...(part ? { part } : {}),
    type: event.type === 'Warning' ? 'Warning' : 'Normal',
  };
}

// A waiting container carries no time of its own: the pod's latest condition change stands in.
const latestTransition = (pod: V1Pod) => new Date(Math.max(
  new Date(pod.metadata?.creationTimestamp ?? 0).getTime(),
  ...(pod.status?.conditions ?? []).map((c) => new Date(c.lastTransitionTime ?? 0).getTime()),
)).toISOString();

/** The state a container reports that an Event does not: ready, waiting for a reason, stopped. */
function containerItems(release: string, pod: V1Pod, status: V1ContainerStatus): ProgressItem[] {
  const podName = pod.metadata?.name ?? '';
  const part = podPart(release, pod);
  const base = { object: `Pod/${podName}`, ...(part ? { part } : {}) };
  const items: ProgressItem[] = [];
  const waiting = status.state?.waiting;
  if (waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing') {
    items.push({ ...base, key: `pod:${pod.metadata?.uid}:${status.name}:waiting:${waiting.reason}:${status.restartCount}`, at: latestTransition(pod), text: `Container ${status.name} is waiting: ${waiting.message ?? waiting.reason}`, reason: waiting.reason, type: 'Warning' });
  }
  const terminated = status.state?.terminated;
  if (terminated) {
    const ok = terminated.exitCode === 0;
    items.push({ ...base, key: `pod:${pod.metadata?.uid}:${status.name}:terminated:${status.restartCount}`, at: new Date(terminated.finishedAt ?? Date.now()).toISOString(), text: ok ? `Container ${status.name} finished.` : `Container ${status.name} stopped with exit code ${terminated.exitCode}${terminated.message ? `: ${readTerminationMessage(terminated.message).message}` : '.'}`, reason: terminated.reason ?? (ok ? 'Completed' : 'Error'), type: ok ? 'Normal' : 'Warning' });
  }
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  if (status.ready && ready) {
    items.push({ ...base, key: `pod:${pod.metadata?.uid}:${status.name}:ready`, at: new Date(ready.lastTransitionTime ?? Date.now()).toISOString(), text: `${part ? capitalize(part) : 'Container'} is ready (container ${status.name}).`, reason: 'Ready', type: 'Normal' });
  }
  return items;
}

function claimItem(claim: V1PersistentVolumeClaim): ProgressItem | undefined {
  if (claim.status?.phase !== 'Bound') return undefined;
  const name = claim.metadata?.name ?? '';
  return { key: `claim:${claim.metadata?.uid}:bound`, at: new Date(claim.metadata?.creationTimestamp ?? 0).toISOString(), text: `Storage ${name} is bound to a volume.`, reason: 'Bound', object: `PersistentVolumeClaim/${name}`, part: 'storage', type: 'Normal' };
}

/** Everything reported since `since` (the operation's start), oldest first. */
export function progressItems(activity: StoreActivity, since: Date): ProgressItem[] {
  const fromEvents = activity.events.filter((event) => eventTime(event) >= since).map((event) => eventItem(activity.release, event));
  const fromPods = activity.pods.flatMap((pod) => [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .flatMap((status) => containerItems(activity.release, pod, status)));
  const fromClaims = activity.claims.map(claimItem).filter((item): item is ProgressItem => !!item);
  return [...fromEvents, ...fromPods, ...fromClaims].sort(compareItems);
}

export const compareItems = (a: ProgressItem, b: ProgressItem) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key);

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function podPhaseOf(pods: readonly V1Pod[]): PartState['phase'] | undefined {
  if (pods.length === 0) return undefined;
  const live = pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  if (live.some((pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))) return 'ready';
  return 'starting';
}

function partState(activity: StoreActivity, part: PartName): PartState {
  if (part === 'storage') {
    const claims = activity.claims;
    if (claims.length === 0) return { part, phase: 'waiting', detail: 'no storage claimed yet' };
    const bound = claims.filter((claim) => claim.status?.phase === 'Bound').length;
    return bound === claims.length
      ? { part, phase: 'ready', detail: `${bound} of ${claims.length} volumes bound` }
      : { part, phase: 'starting', detail: `${bound} of ${claims.length} volumes bound` };
  }
  const pods = activity.pods.filter((pod) => podPart(activity.release, pod) === part);
  if (part === 'setup') {
    const newest = [...pods].sort((a, b) => (b.metadata?.creationTimestamp?.toString() ?? '').localeCompare(a.metadata?.creationTimestamp?.toString() ?? ''))[0];
    if (!newest) return { part, phase: 'waiting', detail: 'runs once the database and web are ready' };
    if (newest.status?.phase === 'Succeeded') return { part, phase: 'ready', detail: 'finished' };
    if (newest.status?.phase === 'Failed') return { part, phase: 'failed', detail: 'the setup step failed' };
    return { part, phase: 'starting', detail: 'running' };
  }
  const phase = podPhaseOf(pods);
  if (!phase) return { part, phase: 'waiting', detail: 'no pod yet' };
  const waiting = pods.flatMap((pod) => pod.status?.containerStatuses ?? []).find((s) => s.state?.waiting?.reason && s.state.waiting.reason !== 'ContainerCreating')?.state?.waiting?.reason;
  return { part, phase, detail: phase === 'ready' ? 'ready' : waiting ?? 'starting' };
}

/** The store's parts and how far each has come. */
export function summarize(activity: StoreActivity): ProgressSummary {
  const parts = PARTS.map((part) => partState(activity, part));
  const ready = parts.filter((part) => part.phase === 'ready').length;
  const words = parts.map((part) => `${part.part} ${part.phase === 'starting' && part.detail !== 'starting' && part.detail !== 'running' ? `starting (${part.detail})` : part.phase}`);
  return { ready, total: parts.length, parts, text: `${ready} of ${parts.length} parts ready: ${words.join(', ')}` };
}

/**
 * A progress item's place in the stream: its time, then a hash of its key. The same on every
 * replica, since both come from the cluster.
 */
export function progressCursor(item: ProgressItem): string {
  const at = new Date(item.at).getTime().toString(36).padStart(9, '0');
  return `${at}.${createHash('sha256').update(item.key).digest('hex').slice(0, 8)}`;
}

export interface ProgressReport {
  /** Oldest first, each with its cursor. */
  items: { item: ProgressItem; cursor: string }[];
  summary: ProgressSummary;
}

export function progressReport(activity: StoreActivity, since: Date): ProgressReport {
  const items = progressItems(activity, since).map((item) => ({ item, cursor: progressCursor(item) })).sort((a, b) => a.cursor.localeCompare(b.cursor));
  return { items, summary: summarize(activity) };
}
