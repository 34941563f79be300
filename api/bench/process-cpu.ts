// Which processes had the CPUs (Linux, /proc/<pid>/stat): read at each of the node sampler's
// windows, and summed over the saturated ones, so a latency tail can be laid at the door of
// whoever took both cores then (the control plane, helm, a store's pods, or the bench itself).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** /proc's clock ticks are USER_HZ, 100 a second on Linux whatever the kernel's own HZ. */
const TICK_MS = 10;

export type ProcessTicks = Map<number, { name: string; ticks: number }>;

/** The command name and user+system ticks of one /proc/<pid>/stat line. */
export function parseStat(text: string): { comm: string; ticks: number } {
  // The name may hold spaces and parentheses: it ends at the last ')'.
  const end = text.lastIndexOf(')');
  const fields = text.slice(end + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, end), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * Which script a node command line runs: its own first (a loader's `--require`/`--import`
 * file lives in node_modules), else the last one (flags' files come before the script, so a
 * vitest worker is `forks.js`: the bench itself).
 */
export function scriptOf(args: string[]): string | undefined {
  const scripts = args.slice(1).filter((arg) => /\.[cm]?[jt]s$/.test(arg));
  return scripts.find((arg) => !arg.includes('/node_modules/')) ?? scripts.at(-1);
}

/** Node names its main thread: the script it runs says which of ours it is. */
function nameOf(pid: number, comm: string): string {
  if (comm !== 'MainThread' && comm !== 'node') return comm;
  const script = scriptOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
  return script ? `node ${path.basename(script)}` : comm;
}

const names = new Map<number, { comm: string; name: string }>();

export function readProcessTicks(): ProcessTicks {
  const ticks: ProcessTicks = new Map();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const { comm, ticks: used } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      let known = names.get(pid);
      if (known?.comm !== comm) names.set(pid, (known = { comm, name: nameOf(pid, comm) }));
      ticks.set(pid, { name: known.name, ticks: used });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return ticks;
}

/** CPU time (ms) each name used from `from` to `to`, added into `total`; processes seen at both ends only. */
export function addUse(total: Map<string, number>, from: ProcessTicks, to: ProcessTicks): void {
  for (const [pid, now] of to) {
    const before = from.get(pid);
    if (!before || before.name !== now.name || now.ticks <= before.ticks) continue;
    total.set(now.name, (total.get(now.name) ?? 0) + (now.ticks - before.ticks) * TICK_MS);
  }
}

/** The `count` biggest users, largest first. */
export function busiest(total: Map<string, number>, count: number): { name: string; ms: number }[] {
  return [...total].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, count);
}
