// Asks the kube-apiserver's /readyz (open to every client, cheap) on a timer with a short
// timeout, and keeps whether the cluster is reachable (reachability.ts decides).
import http from 'node:http';
import https from 'node:https';
import type * as k8s from '@kubernetes/client-node';
import { type Check } from './report.ts';
import { observeProbe, type ProbeResult, type Reachability, UNPROBED } from './reachability.ts';

export interface ClusterProbeOptions {
  everyMs: number;
  timeoutMs: number;
  failAfter: number;
}

/** One GET of the apiserver's /readyz: ok on a 200, else what went wrong in a few words. */
export async function probeApiServer(kubeConfig: k8s.KubeConfig, timeoutMs: number): Promise<ProbeResult> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) return { ok: false, reason: 'no cluster in the kube config' };
  const url = new URL('/readyz', server);
  const options: https.RequestOptions = { method: 'GET', agent: false, signal: AbortSignal.timeout(timeoutMs) };
  await kubeConfig.applyToHTTPSOptions(options);
  return new Promise((resolve) => {
    // A fresh connection each time: a kept-alive one could outlive the path it proves.
    const request = (url.protocol === 'https:' ? https : http).request(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { if (body.length < 2000) body += chunk; });
      response.on('end', () => resolve(response.statusCode === 200 ? { ok: true } : { ok: false, reason: `${url.origin}/readyz answered ${response.statusCode} ${body.trim().split('\n').at(-1) ?? ''}`.trim() }));
      response.on('error', (error) => resolve({ ok: false, reason: `${url.origin}: ${error.message}` }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({
      ok: false,
      reason: `${url.origin}: ${error.name === 'TimeoutError' || error.name === 'AbortError' ? `no answer within ${timeoutMs / 1000} s` : (error.code ?? error.message)}`,
    }));
    request.end();
  });
}

export class ClusterProbe {
  private state: Reachability = UNPROBED;
  private timer?: NodeJS.Timeout;
  private readonly kubeConfig: k8s.KubeConfig;
  private readonly options: ClusterProbeOptions;

  constructor(kubeConfig: k8s.KubeConfig, options: ClusterProbeOptions) {
    this.kubeConfig = kubeConfig;
    this.options = options;
  }

  check(): Check {
    return { name: 'cluster', ok: this.state.ok, ...(this.state.ok ? {} : { reason: this.state.reason }) };
  }

  /** Probes now and then every `everyMs` (one at a time), until the returned stop is called. */
  start(): () => void {
    let stopped = false;
    const round = async () => {
      const result = await probeApiServer(this.kubeConfig, this.options.timeoutMs).catch((error: Error) => ({ ok: false as const, reason: error.message }));
      this.state = observeProbe(this.state, result, this.options);
      if (!stopped) this.timer = setTimeout(() => void round(), this.options.everyMs);
    };
    void round();
    return () => {
      stopped = true;
      clearTimeout(this.timer);
    };
  }
}
