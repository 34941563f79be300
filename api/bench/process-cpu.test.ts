import { describe, expect, it } from 'vitest';
import { addUse, addWorstWait, busiest, longest, parseSchedstat, parseStat, type ProcessTicks, readProcessTicks, scriptOf, type Wait } from './process-cpu.ts';

/** A /proc/<pid>/stat line: utime and stime are fields 14 and 15, starttime 22 (here 1000). */
const stat = (comm: string, utime: number, stime: number) =>
  `42 (${comm}) S 1 42 42 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 8 0 1000 0 0`;

describe('parseStat', () => {
  it('adds user and system ticks', () => {
    expect(parseStat(stat('kube-apiserver', 120, 30))).toEqual({ comm: 'kube-apiserver', ticks: 150, started: 1000 });
  });

  it('keeps a name that holds spaces and parentheses whole', () => {
    expect(parseStat(stat('a (b) c', 7, 3))).toEqual({ comm: 'a (b) c', ticks: 10, started: 1000 });
  });
});

describe('scriptOf', () => {
  it('names our script, not the loader node is told to require first', () => {
    const args = ['node', '--require', '/p/node_modules/tsx/dist/suppress-warnings.cjs', '--import', 'file:///p/node_modules/tsx/dist/loader.mjs', 'api/bench/viewer-process.ts', 'http://127.0.0.1:1'];
    expect(scriptOf(args)).toBe('api/bench/viewer-process.ts');
  });

  it('falls back to the last script in node_modules, and to none', () => {
    expect(scriptOf(['node', '--require', '/p/node_modules/vitest/suppress-warnings.cjs', '/p/node_modules/vitest/dist/workers/forks.js'])).toBe('/p/node_modules/vitest/dist/workers/forks.js');
    expect(scriptOf(['node', '-e', '1'])).toBeUndefined();
  });
});

describe('addUse', () => {
  const at = (entries: [number, string, number, number?][]): ProcessTicks =>
    new Map(entries.map(([pid, name, ticks, started = 1]) => [pid, { name, ticks, started }]));

  it('sums each name\'s ticks between two readings, in ms, over all its processes', () => {
    const total = new Map<string, number>();
    addUse(total, at([[1, 'helm', 100], [2, 'apache2', 10], [3, 'apache2', 20]]), at([[1, 'helm', 115], [2, 'apache2', 12], [3, 'apache2', 23]]));
    expect(total).toEqual(new Map([['helm', 150], ['apache2', 50]]));
  });

  it('counts only processes seen at both ends, under the same name', () => {
    const total = new Map<string, number>();
    // 2 was born in the window, 3 ended, 4's pid was reused by another program, 5 was idle,
    // 6's pid was reused by a later process of the same name.
    addUse(total, at([[1, 'etcd', 5], [3, 'old', 9], [4, 'sh', 1], [5, 'kubelet', 8], [6, 'helm', 1, 100]]), at([[1, 'etcd', 6], [2, 'new', 50], [4, 'helm', 40], [5, 'kubelet', 8], [6, 'helm', 30, 150]]));
    expect(total).toEqual(new Map([['etcd', 10]]));
  });
});

describe('parseSchedstat', () => {
  it('reads the run-queue wait, the second of on-CPU ns, waited ns and slices', () => {
    expect(parseSchedstat('697627 15000000 12\n')).toBe(15_000_000);
  });

  it('reads a kernel without scheduler statistics (all zeros) as no answer', () => {
    expect(parseSchedstat('0 0 0\n')).toBeUndefined();
  });
});

describe('addWorstWait', () => {
  const at = (entries: [number, string, number | undefined][]): ProcessTicks =>
    new Map(entries.map(([pid, name, waitedNs]) => [pid, { name, started: 1, ticks: 0, waitedNs }]));

  it('keeps each name\'s longest wait in one window, over its processes and windows', () => {
    const worst = new Map<string, Wait>();
    const t0 = at([[1, 'node main.ts', 0], [2, 'node viewer-process.ts', 0], [3, 'node viewer-process.ts', 0]]);
    const t1 = at([[1, 'node main.ts', 40e6], [2, 'node viewer-process.ts', 5e6], [3, 'node viewer-process.ts', 90e6]]);
    const t2 = at([[1, 'node main.ts', 60e6], [2, 'node viewer-process.ts', 6e6], [3, 'node viewer-process.ts', 91e6]]);
    addWorstWait(worst, t0, t1, 200);
    addWorstWait(worst, t1, t2, 260);
    expect(worst).toEqual(new Map([['node main.ts', { ms: 40, windowMs: 200 }], ['node viewer-process.ts', { ms: 90, windowMs: 200 }]]));
  });

  it('skips processes without scheduler statistics or seen at one end only', () => {
    const worst = new Map<string, Wait>();
    addWorstWait(worst, at([[1, 'helm', undefined], [2, 'etcd', 0]]), at([[1, 'helm', 9e6], [3, 'sh', 9e6]]), 200);
    expect(worst.size).toBe(0);
  });
});

describe('busiest', () => {
  it('lists the biggest users first, at most `count`', () => {
    const use = new Map([['etcd', 30], ['kube-apiserver', 210], ['helm', 200], ['kubelet', 20]]);
    expect(busiest(use, 3)).toEqual([{ name: 'kube-apiserver', ms: 210 }, { name: 'helm', ms: 200 }, { name: 'etcd', ms: 30 }]);
  });

  it('keeps what else each entry says (longest)', () => {
    const waits = new Map([['node main.ts', { ms: 40, windowMs: 210 }], ['node forks.js', { ms: 90, windowMs: 250 }]]);
    expect(longest(waits, 1)).toEqual([{ name: 'node forks.js', ms: 90, windowMs: 250 }]);
  });
});

describe('readProcessTicks', () => {
  it('finds this process, named by the script it runs, with the CPU time node says it used', () => {
    for (let spin = Date.now(); Date.now() - spin < 300;); // enough CPU time that a wrong field shows
    const used = process.cpuUsage();
    const own = readProcessTicks().get(process.pid);
    // Ticks are whole 10 ms and the kernel rounds them down: within a few ticks of node's own count.
    expect(Math.abs(own!.ticks * 10 - (used.user + used.system) / 1000)).toBeLessThan(50);
    expect(own?.started).toBeGreaterThan(0);
    expect(own?.waitedNs).toBeGreaterThanOrEqual(0);
    expect(own?.name).toMatch(/\S/);
  });
});
