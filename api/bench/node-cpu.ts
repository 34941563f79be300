// The node's CPU while a bench measures latency (Linux, /proc/stat): how busy it was, and
// how much time the hypervisor took from this machine's CPUs (steal). A latency tail that
// comes with saturated or stolen windows is the node's, not the code's; the numbers are
// printed beside the result so a reader can tell which.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { nextMessage } from './child-message.ts';
import { addUse, addWorstWait, busiest, longest, readProcessTicks, type Wait } from './process-cpu.ts';

export const WINDOW_MS = 200;

/** user, nice, system, idle, iowait, irq, softirq, steal (clock ticks, all CPUs). */
function cpuTicks(): number[] {
  return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
}

export interface NodeCpu {
  /** Share of all CPU time that was busy (not idle, iowait or stolen), %. */
  busy: number;
  /** Share of all CPU time the hypervisor took, %. */
  steal: number;
  /** The 200 ms windows, and how many had every CPU busy or stolen (≥ 95 %). */
  windows: number;
  saturated: number;
  /** The most stolen in one window, %. */
  maxSteal: number;
  /** With `processes`: who used the CPUs in the saturated windows (ms), largest first. */
  saturatedBy?: { name: string; ms: number }[];
  /** With `processes`: our node processes' longest run-queue wait of the main thread in one window, longest first, with that window's real length. */
  loopsWaited?: ({ name: string } & Wait)[];
  /** With `processes`: the longest one scan of /proc took (ms), time the sampling process's loop spent reading. */
  scanMsMax?: number;
}

interface Shares { busy: number; steal: number }

export function shares(from: number[], to: number[]): Shares {
  const delta = to.map((value, i) => value - from[i]!);
  const total = delta.reduce((sum, value) => sum + value, 0) || 1;
  const [, , , idle, iowait, , , steal] = delta as [number, number, number, number, number, number, number, number];
  return { busy: ((total - idle - iowait - steal) / total) * 100, steal: (steal / total) * 100 };
}

/**
 * Node processes, named by their script (process-cpu.ts): on a bench machine the API, the
 * viewers and the bench; any other node program running then would show as well.
 */
const ours = <T>(byName: Map<string, T>) => new Map([...byName].filter(([name]) => name.startsWith('node ')));

const saturated = (window: Shares) => window.busy + window.steal >= 95;

/**
 * Samples until `stop()`, which says what the node's CPUs did meanwhile. `processes` also
 * reads every process's ticks at each window to say who had the CPUs when they were saturated,
 * and how long our own processes' main threads waited for one (the wake-up delay no event-loop
 * monitor sees). A scan holds this process's loop for up to 14 ms a window on a loaded node:
 * hence not by default, and best apart (sampleNodeCpuInProcess).
 */
export function sampleNodeCpu({ processes = false } = {}): { stop(): NodeCpu } {
  const start = cpuTicks();
  let last = start;
  let lastProcesses = processes ? readProcessTicks() : undefined;
  let lastRead = performance.now();
  let scanMsMax = 0;
  const use = new Map<string, number>();
  const waits = new Map<string, Wait>();
  const windows: Shares[] = [];
  const timer = setInterval(() => {
    const now = cpuTicks();
    const window = shares(last, now);
    windows.push(window);
    last = now;
    if (!lastProcesses) return;
    const readAt = performance.now();
    const nowProcesses = readProcessTicks();
    scanMsMax = Math.max(scanMsMax, performance.now() - readAt);
    if (saturated(window)) addUse(use, lastProcesses, nowProcesses);
    addWorstWait(waits, lastProcesses, nowProcesses, readAt - lastRead);
    lastProcesses = nowProcesses;
    lastRead = readAt;
  }, WINDOW_MS);
  return {
    stop() {
      clearInterval(timer);
      const whole = shares(start, cpuTicks());
      return {
        ...whole,
        windows: windows.length,
        saturated: windows.filter(saturated).length,
        maxSteal: Math.max(0, ...windows.map((w) => w.steal)),
        ...(processes ? { saturatedBy: busiest(use, 6), loopsWaited: longest(ours(waits), 6), scanMsMax } : {}),
      };
    },
  };
}

/**
 * `sampleNodeCpu({ processes: true })` in a process of its own (node-cpu-process.ts): one scan
 * of /proc took up to 14 ms on a loaded node, and in the bench's process it would hold the loop
 * that stamps the direct follower's lines, the reference every latency is measured against.
 */
export async function sampleNodeCpuInProcess(): Promise<{ stop(): Promise<NodeCpu> }> {
  const child = fork(new URL('./node-cpu-process.ts', import.meta.url).pathname, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await nextMessage<'started'>(child, 'the node sampler');
  return {
    async stop() {
      const sampled = nextMessage<NodeCpu>(child, 'the node sampler');
      child.send('stop');
      return sampled;
    },
  };
}
