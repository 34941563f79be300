// The node's CPU while a bench measures latency (Linux, /proc/stat): how busy it was, and
// how much time the hypervisor took from this machine's CPUs (steal). A latency tail that
// comes with saturated or stolen windows is the node's, not the code's; the numbers are
// printed beside the result so a reader can tell which.
import { readFileSync } from 'node:fs';

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
}

interface Shares { busy: number; steal: number }

export function shares(from: number[], to: number[]): Shares {
  const delta = to.map((value, i) => value - from[i]!);
  const total = delta.reduce((sum, value) => sum + value, 0) || 1;
  const [, , , idle, iowait, , , steal] = delta as [number, number, number, number, number, number, number, number];
  return { busy: ((total - idle - iowait - steal) / total) * 100, steal: (steal / total) * 100 };
}

/** Samples until `stop()`, which says what the node's CPUs did meanwhile. */
export function sampleNodeCpu(): { stop(): NodeCpu } {
  const start = cpuTicks();
  let last = start;
  const windows: Shares[] = [];
  const timer = setInterval(() => {
    const now = cpuTicks();
    windows.push(shares(last, now));
    last = now;
  }, WINDOW_MS);
  return {
    stop() {
      clearInterval(timer);
      const whole = shares(start, cpuTicks());
      return {
        ...whole,
        windows: windows.length,
        saturated: windows.filter((w) => w.busy + w.steal >= 95).length,
        maxSteal: Math.max(0, ...windows.map((w) => w.steal)),
      };
    },
  };
}
