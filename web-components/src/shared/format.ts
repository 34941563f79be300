// Small pure formatters shared by the elements.

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

/** What a person should do next about a failed store, from its reason. */
export function nextStep(reason: string, message: string): string {
  // Ended early by the platform: the message already names the way out; this says who acts.
  if (reason === 'ImagePullFailed' || reason === 'InvalidImageName' || reason === 'StorageUnavailable') return 'Ask your platform operator to make this available to the cluster, then retry the operation.';
  if (reason === 'Unschedulable') return 'Retry once the cluster has room (your platform operator can add capacity), or choose a smaller plan.';
  if (reason === 'CrashLooping') return 'Retry the operation; if it crashes again, ask your platform operator with the log command above.';
  if (reason === 'PodRefused') return 'Choose a larger plan below and upgrade, or delete the store.';
  if (/quota|plan allows|larger plan/i.test(message)) return 'Choose a larger plan below and upgrade, or delete the store.';
  if (/rejected by the chart|settings/i.test(message)) return 'Change the store settings and try again.';
  if (/did not become ready|timed out/i.test(message)) return 'Try the operation again; if it fails again, ask your platform operator to check the store\'s events.';
  if (/RoleBinding|not allowed/i.test(message)) return 'Ask your platform operator to check the provisioner\'s permissions.';
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
