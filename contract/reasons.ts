// Reason codes: the machine-readable half of every store state and failure. The API keeps
// sending its English `message`; the elements choose their words from the code, never by
// reading the message. No dependencies (the elements import this at run time).

/** Conditions that waiting cannot heal; the API ends the operation early with one of these as the reason (store/blockers.ts). */
export const BLOCKER_CODES = ['ImagePullFailed', 'InvalidImageName', 'PodRefused', 'StorageUnavailable', 'CrashLooping', 'Unschedulable', 'NoRoom'] as const;
export type BlockerCode = (typeof BLOCKER_CODES)[number];

/**
 * Why the provisioner failed, as it says on the last line of its termination message
 * (`code: <Code>`, provisioner-image/entrypoint.sh); the API carries it as the state's `code`.
 */
export const PROVISIONER_CODES = ['QuotaExceeded', 'SettingsRejected', 'NotReadyInTime', 'ProvisionerForbidden', 'HelmFailed', 'SetupFailed', 'ShopUnreachable', 'Stopped', 'UnknownOperation'] as const;
export type ProvisionerCode = (typeof PROVISIONER_CODES)[number];

/** Every `reason` a store state or `status` event can carry. */
export const STATE_REASONS = [
  'NamespaceTerminating', 'Pending', 'Finishing', 'Queued', 'WaitingForRoom', 'Uninstalled', 'Uninstalling', 'DeleteRequested', 'Running', 'Starting',
  'InstallFailed', 'UpgradeFailed', 'RollbackFailed', 'UninstallFailed',
  'InstallSucceeded', 'UpgradeSucceeded', 'RollbackSucceeded',
  'InvalidStoreData', 'Gone',
  ...BLOCKER_CODES,
] as const;
export type StateReason = (typeof STATE_REASONS)[number];

const PROVISIONER_CODE_LINE = /\n?code: ([A-Za-z]+)\s*$/;

/**
 * A provisioner's termination message as its message and code: the code line is taken off,
 * so the message is the provisioner's words alone. Messages without a code line (an older
 * provisioner, a record saved before codes) have no code.
 */
export function readTerminationMessage(raw: string): { message: string; code?: ProvisionerCode } {
  const match = PROVISIONER_CODE_LINE.exec(raw);
  const code = match && (PROVISIONER_CODES as readonly string[]).includes(match[1]!) ? (match[1] as ProvisionerCode) : undefined;
  const message = (code ? raw.slice(0, match!.index) : raw).trim();
  return code ? { message, code } : { message };
}
