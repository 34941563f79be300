// The operation Job: one Helm operation on one store, run by the provisioner image under the
// store's own ServiceAccount. Pure: the sender is provisioning/operations.ts.
import type { V1Job } from '@kubernetes/client-node';
import { ANNOTATIONS, credentialsSecretName, LABELS, MANAGED_BY, type Operation, operationJobName, PLATFORM_NAMESPACE, provisionerServiceAccount, storeNamespace } from '../store/names.ts';
import type { StoreSpec } from '../store/spec.ts';
import { shopAddress, storeUrl } from '../store/store-url.ts';

export interface ProvisionerSettings {
  image: string;
  /** How long Helm waits for the store to become ready. */
  helmTimeoutSeconds: number;
  /** Retries of a failed pod; each retry recovers a pending release first. */
  backoffLimit: number;
  ttlSecondsAfterFinished: number;
  /** Chart values every store gets on this platform (TLS, storage class, images...). */
  platformValues: Record<string, unknown>;
  /** host:port where the ingress controller answers pods; the provisioner checks the shop opens there ("" = no check). */
  shopCheckAddress?: string;
  /** Jobs are created suspended; the provisioning queue (queue.ts) starts them. */
  queued?: boolean;
}

export interface OperationRequest {
  store: string;
  /** The store namespace's UID: ties the Job to this store, not to a later one of the same name. */
  storeUid: string;
  operation: Operation;
  seq: number;
  spec: StoreSpec;
  /** For rollback: the revision to return to (0 = the previous one). */
  rollbackTo?: number;
  requestId?: string;
  /** When the operation was asked for (the intent's time). */
  requestedAt?: string;
}

/** Chart values for a store: the platform's, then the store's own (which win). */
export function buildStoreValues(store: string, spec: StoreSpec, platformValues: Record<string, unknown>): Record<string, unknown> {
  const platformIngress = (platformValues.ingress ?? {}) as Record<string, unknown>;
  return {
    ...platformValues,
    plan: spec.plan,
    existingSecret: credentialsSecretName(store),
    store: { ...(platformValues.store as object), title: spec.title, adminEmail: spec.adminEmail },
    ingress: { ...platformIngress, host: spec.host },
    // The platform owns the store's NetworkPolicies (see guardrails.ts).
    networkPolicy: { enabled: false },
  };
}

export function buildOperationJob(request: OperationRequest, settings: ProvisionerSettings): V1Job {
  const { store, operation, seq } = request;
  const name = operationJobName(store, operation, seq);
  const labels = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.store]: store,
    [LABELS.storeUid]: request.storeUid,
    [LABELS.operation]: operation,
    [LABELS.seq]: String(seq),
  };
  const env = [
    { name: 'OPERATION', value: operation },
    { name: 'RELEASE', value: store },
    { name: 'NAMESPACE', value: storeNamespace(store) },
    { name: 'HELM_TIMEOUT', value: `${settings.helmTimeoutSeconds}s` },
    { name: 'TMPDIR', value: '/tmp' },
    { name: 'HOME', value: '/tmp' },
  ];
  if (operation === 'install' || operation === 'upgrade') {
    // JSON is YAML: Helm reads it as a values file.
    env.push({ name: 'STORE_VALUES', value: JSON.stringify(buildStoreValues(store, request.spec, settings.platformValues)) });
  }
  if (operation === 'rollback') env.push({ name: 'ROLLBACK_TO', value: String(request.rollbackTo ?? 0) });
  if (operation !== 'uninstall' && settings.shopCheckAddress) {
    env.push({ name: 'SHOP_URL', value: storeUrl(request.spec.host, shopAddress(settings.platformValues)) }, { name: 'SHOP_CHECK_ADDRESS', value: settings.shopCheckAddress });
  }

  // Each try may wait the whole Helm timeout, plus a minute for the pod and recovery.
  const perTry = settings.helmTimeoutSeconds + 60;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: PLATFORM_NAMESPACE,
      labels,
      annotations: {
        ...(request.requestId ? { [ANNOTATIONS.requestId]: request.requestId } : {}),
        ...(request.requestedAt ? { [ANNOTATIONS.requestedAt]: request.requestedAt } : {}),
      },
    },
    spec: {
      // A suspended Job's deadline clock does not run: it starts when the queue resumes it.
      ...(settings.queued ? { suspend: true } : {}),
      backoffLimit: settings.backoffLimit,
      // The provisioner exits 3 when trying the whole operation again would not mend what
      // failed (the shop does not open through the ingress controller): no retry then.
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'provisioner', operator: 'In', values: [3] } }] },
      activeDeadlineSeconds: perTry * (settings.backoffLimit + 1),
      ttlSecondsAfterFinished: settings.ttlSecondsAfterFinished,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: provisionerServiceAccount(store),
          // The provisioner is the one pod that needs a token: its SA's RoleBinding scopes it.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [{
            name: 'provisioner',
            image: settings.image,
            imagePullPolicy: 'IfNotPresent',
            env,
            terminationMessagePolicy: 'File',
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            resources: {
              requests: { cpu: '50m', memory: '64Mi' },
              limits: { cpu: '1', memory: '256Mi' },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }],
        },
      },
    },
  };
}
