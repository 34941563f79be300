// Follows a pod's log line by line. client-node's Log pipes the response without an error
// handler, so aborting a follow crashes the process; this reads the same endpoint with the
// same authentication and ends quietly on abort.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { fetch } from 'undici';

// A kubelet that cannot read a log it has begun to answer (the container was just removed with
// its pod, or the log file is gone) sends its error as the body of a 200.
const KUBELET_READ_FAILURE = /^(unable to retrieve container logs for |failed to try resolving symlinks in path |failed to open log file )\S+/;

/** Whether a log read's whole text is the kubelet's word that it could not read the log. */
export function isKubeletReadFailure(text: string): boolean {
  return KUBELET_READ_FAILURE.test(text) && !text.trim().includes('\n');
}

export async function* followPodLog(config: k8s.KubeConfig, namespace: string, pod: string, container: string, signal: AbortSignal): AsyncGenerator<string> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('No current cluster in the kubeconfig');
  const url = new URL(`${cluster.server}/api/v1/namespaces/${namespace}/pods/${pod}/log`);
  url.searchParams.set('container', container);
  url.searchParams.set('follow', 'true');
  const request = new k8s.RequestContext(url.toString(), k8s.HttpMethod.GET);
  await config.applySecurityAuthentication(request);
  let response;
  try {
    response = await fetch(url, { headers: request.getHeaders(), dispatcher: request.getDispatcher() as never, signal });
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
  if (response.status !== 200 || !response.body) {
    throw new k8s.ApiException(response.status, `cannot follow the log of ${namespace}/${pod}`, await response.text(), {});
  }
  const body = Readable.fromWeb(response.body as never);
  body.on('error', () => undefined); // an abort ends the iteration below
  try {
    let first = true;
    for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
      // A provisioner's log starts with its own JSON line, never with the kubelet's words.
      if (first && isKubeletReadFailure(line)) throw new k8s.ApiException(404, `cannot follow the log of ${namespace}/${pod}`, line, {});
      first = false;
      yield line;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
