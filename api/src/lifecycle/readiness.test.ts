import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.ts';

describe('Readiness', () => {
  it('reports its checks in the order first added, a replaced one in its place, and draining last', () => {
    const readiness = new Readiness();
    readiness.add('caches', () => ({ name: 'caches', ok: false, reason: 'syncing: jobs' }));
    readiness.add('cluster', () => ({ name: 'cluster', ok: true }));
    expect(readiness.report()).toMatchObject({ ready: false, status: 'starting' });
    readiness.add('caches', () => ({ name: 'caches', ok: true }));
    expect(readiness.report()).toEqual({ ready: true, status: 'ready', checks: [{ name: 'caches', ok: true }, { name: 'cluster', ok: true }] });
    readiness.drain();
    expect(readiness.report()).toMatchObject({ ready: false, status: 'draining', checks: [{ name: 'caches' }, { name: 'cluster' }, { name: 'draining', ok: false }] });
  });

  it('logs a line when what it says changes, not at every look; trouble as an error', async () => {
    const readiness = new Readiness();
    let cluster = { name: 'cluster', ok: false, reason: 'not checked yet' };
    readiness.add('cluster', () => cluster);
    const logged: [string, string][] = [];
    const stop = readiness.logChanges({ info: (_object, message) => logged.push(['info', message!]), error: (_object, message) => logged.push(['error', message!]) }, 10);
    const wait = () => new Promise((resolve) => setTimeout(resolve, 50));
    await wait();
    cluster = { name: 'cluster', ok: false, reason: 'kube-apiserver: ECONNREFUSED' };
    await wait();
    cluster = { name: 'cluster', ok: true, reason: '' };
    await wait();
    stop();
    expect(logged).toEqual([
      ['info', 'not ready: cluster: not checked yet'],
      ['error', 'not ready: cluster: kube-apiserver: ECONNREFUSED'],
      ['info', 'ready'],
    ]);
  });
});
