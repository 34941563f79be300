import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followPodLog, isKubeletReadFailure } from './pod-log.ts';

// What a kubelet sends, with status 200, when the container it began to read was removed.
const REMOVED = 'unable to retrieve container logs for containerd://66ca8701b540ef4534da356312f02f09da0ce0d89076ff7c2520b3d1078cb7d3';

describe("the kubelet's word that it could not read a log", () => {
  it('is told apart from a log', () => {
    expect(isKubeletReadFailure(REMOVED)).toBe(true);
    expect(isKubeletReadFailure('failed to try resolving symlinks in path "/var/log/pods/x/provisioner/0.log": lstat /var/log/pods/x: no such file or directory\n')).toBe(true);
    expect(isKubeletReadFailure('failed to open log file "/var/log/pods/x/provisioner/0.log": no such file or directory')).toBe(true);
    expect(isKubeletReadFailure(`{"step":"install","status":"started"}\n${REMOVED}\n`)).toBe(false);
    expect(isKubeletReadFailure('{"step":"install","status":"started"}\n')).toBe(false);
    expect(isKubeletReadFailure('')).toBe(false);
  });
});

describe('following a pod log', () => {
  let server: http.Server;
  let body = '';
  const config = new k8s.KubeConfig();

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end(body));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    config.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const follow = async () => {
    const lines: string[] = [];
    for await (const line of followPodLog(config, 'ns', 'pod', 'provisioner', new AbortController().signal)) lines.push(line);
    return lines;
  };

  it('yields the lines of a log', async () => {
    body = '{"step":"install","status":"started"}\nRelease "s" has been upgraded.\n';
    expect(await follow()).toEqual(['{"step":"install","status":"started"}', 'Release "s" has been upgraded.']);
  });

  it("fails, rather than yield it as a line, when the kubelet answers that it could not read the log", async () => {
    body = REMOVED;
    await expect(follow()).rejects.toThrow(/cannot follow the log of ns\/pod/);
  });
});
