// Small pure formatters shared by the elements.
import type { BlockerCode, ProvisionerCode } from '../../../contract/reasons.ts';
import type { StoreState } from '../api/types.ts';

/** "just now", "5 min", "3 h", "2 d": how long ago `iso` was, relative to `now`. */
export function age(iso: string, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** "just now", "5 min ago": `age` as a phrase. */
export function ago(iso: string, now: Date = new Date()): string {
  const value = age(iso, now);
  return value === 'just now' ? value : `${value} ago`;
}

const LARGER_PLAN = 'Choose a larger plan below and upgrade, or delete the store.';

/**
 * Who acts next when the platform ended an operation early (the message already names the
 * way out). Typed by the contract's codes: a code added there and not here fails to compile.
 */
const BLOCKER_NEXT_STEPS: Record<BlockerCode, string> = {
  ImagePullFailed: 'Ask your platform operator to make this available to the cluster, then retry the operation.',
  InvalidImageName: 'Ask your platform operator to make this available to the cluster, then retry the operation.',
  StorageUnavailable: 'Ask your platform operator to make this available to the cluster, then retry the operation.',
  Unschedulable: 'Retry once the cluster has room (your platform operator can add capacity), or choose a smaller plan.',
  CrashLooping: 'Retry the operation; if it crashes again, ask your platform operator with the log command above.',
  PodRefused: LARGER_PLAN,
  NoRoom: 'Retry once stores were deleted or your platform operator added nodes, or choose a smaller plan.',
};

/** The next step for the provisioner's own reasons; undefined: the reason's general advice. */
const PROVISIONER_NEXT_STEPS: Record<ProvisionerCode, string | undefined> = {
  QuotaExceeded: LARGER_PLAN,
  SettingsRejected: 'Change the store settings and try again.',
  NotReadyInTime: 'Try the operation again; if it fails again, ask your platform operator to check the store\'s events.',
  ProvisionerForbidden: 'Ask your platform operator to check the provisioner\'s permissions.',
  HelmFailed: undefined,
  SetupFailed: 'Ask your platform operator to correct the store\'s WooCommerce settings (the reason above says which), then change the store again, or delete it.',
  ShopUnreachable: 'Ask your platform operator to check the ingress controller (Traefik) and that no other Ingress holds the shop\'s host, then change the store again or delete it.',
  Stopped: undefined,
  UnknownOperation: undefined,
};

/** What a person should do next about a failed store, from its reason and code (never from its message). */
export function nextStep({ reason, code }: Pick<StoreState, 'reason' | 'code'>): string {
  const blocker = BLOCKER_NEXT_STEPS[reason as BlockerCode] as string | undefined;
  if (blocker) return blocker;
  const provisioner = code && PROVISIONER_NEXT_STEPS[code];
  if (provisioner) return provisioner;
  if (reason === 'InstallFailed') return 'Delete the store and create it again, or ask your platform operator.';
  return 'Retry the operation; if it keeps failing, ask your platform operator with the log below.';
}

/** A provisioner line: JSON progress when it parses, plain text otherwise. */
export interface ProgressLine { step?: string; status?: string; message: string; ts?: string }

export function parseProgress(text: string): ProgressLine {
  try {
    const value = JSON.parse(text) as Partial<ProgressLine>;
    if (value && typeof value.message === 'string') return value as ProgressLine;
  } catch {
    // Plain output (helm, kubectl): shown as it is.
  }
  return { message: text };
}
