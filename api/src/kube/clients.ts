// One KubeConfig, the typed API clients built from it, and error helpers.
import * as k8s from '@kubernetes/client-node';

export interface KubeClients {
  config: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  batch: k8s.BatchV1Api;
  rbac: k8s.RbacAuthorizationV1Api;
  networking: k8s.NetworkingV1Api;
  coordination: k8s.CoordinationV1Api;
}

export function makeKubeClients(config: k8s.KubeConfig): KubeClients {
  shareConnections(config);
  return {
    config,
    core: config.makeApiClient(k8s.CoreV1Api),
    batch: config.makeApiClient(k8s.BatchV1Api),
    rbac: config.makeApiClient(k8s.RbacAuthorizationV1Api),
    networking: config.makeApiClient(k8s.NetworkingV1Api),
    coordination: config.makeApiClient(k8s.CoordinationV1Api),
  };
}

/**
 * client-node makes a new undici Agent — so a new TCP and TLS connection — for every API call
 * (KubeConfig.applySecurityAuthentication). Under load that is a client-certificate handshake
 * per call and the memory of each; 50 concurrent creates took over two minutes and 700 MB.
 * One Agent per KubeConfig keeps connections alive and reused. Bearer tokens still travel in
 * headers read per call; a client certificate is fixed for the life of the process.
 */
function shareConnections(config: k8s.KubeConfig): void {
  const target = config as unknown as { createDispatcher(cluster: unknown, options: unknown): unknown };
  const create = target.createDispatcher.bind(config);
  let shared: unknown;
  target.createDispatcher = (cluster, options) => (shared ??= create(cluster, options));
}

export const statusCode = (error: unknown) => (error instanceof k8s.ApiException ? error.code : undefined);

/** Statuses of an API server that is overloaded or timing out (priority and fairness, etcd). */
const CLUSTER_BUSY = new Set([429, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/** Whether the cluster could not answer now (busy, timing out, unreachable): worth trying again. */
export function clusterUnavailable(error: unknown): boolean {
  const kubeStatus = statusCode(error);
  // A 500 only when the server says it timed out (etcd slow or electing): other 500s, such as a
  // failing admission webhook, do not heal by retrying.
  if (kubeStatus === 500) return /"reason":\s*"ServerTimeout"|etcdserver|timed? ?out/i.test(String((error as k8s.ApiException<unknown>).body));
  if (kubeStatus) return CLUSTER_BUSY.has(kubeStatus);
  const codes = [(error as { code?: unknown })?.code, (error as { cause?: { code?: unknown } })?.cause?.code];
  return codes.some((code) => typeof code === 'string' && NETWORK_CODES.has(code));
}

/**
 * Whether the API server refused a write because its namespace is being deleted (403 with the
 * cause NamespaceTerminating): a store's namespace goes while a request still writes into it.
 */
export function namespaceTerminating(error: unknown): boolean {
  return statusCode(error) === 403 && /"reason":\s*"NamespaceTerminating"|because it is being terminated/.test(String((error as k8s.ApiException<unknown>).body));
}

/** Runs a create; an AlreadyExists answer counts as done (every step is idempotent). */
export async function createIfAbsent(create: () => Promise<unknown>): Promise<'created' | 'existed'> {
  try {
    await create();
    return 'created';
  } catch (error) {
    if (statusCode(error) === 409) return 'existed';
    throw error;
  }
}

/** Runs a delete; NotFound counts as done. Says whether there was something to delete. */
export async function deleteIfPresent(remove: () => Promise<unknown>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (error) {
    if (statusCode(error) !== 404) throw error;
    return false;
  }
}

/**
 * Deletes an object only if it is still the one with `uid` (a precondition the API server
 * checks): an object of the same name made since then, e.g. by a store created again under
 * the same name, is left alone. Says whether this call removed it.
 */
export async function deleteIfSame(uid: string | undefined, remove: (options: k8s.V1DeleteOptions) => Promise<unknown>): Promise<boolean> {
  try {
    await remove(uid ? { preconditions: { uid } } : {});
    return true;
  } catch (error) {
    const code = statusCode(error);
    if (code === 404 || code === 409) return false;
    throw error;
  }
}
