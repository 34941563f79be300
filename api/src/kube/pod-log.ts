// Follows a pod's log line by line. client-node's Log pipes the response without an error
// handler, so aborting a follow crashes the process; this reads the same endpoint with the
// same authentication and ends quietly on abort.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { fetch } from 'undici';

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
    for await (const line of createInterface({ input: body, crlfDelay: Infinity })) yield line;
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
