// Which processes had the CPUs (Linux, /proc/<pid>/stat), and which waited for one
// (/proc/<pid>/schedstat): read at each of the node sampler's windows, so a latency tail can be
// laid at the door of whoever took both cores then (the control plane, helm, a store's pods,
// or the bench itself) and of whose loop sat ready without a CPU.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** /proc's clock ticks are USER_HZ, 100 a second on Linux whatever the kernel's own HZ. */
const TICK_MS = 10;

/** Per pid: its name, its CPU ticks, and how long (ns) its main thread waited runnable for a CPU. */
export type ProcessTicks = Map<number, { name: string; ticks: number; waitedNs?: number }>;

/** The command name and user+system ticks of one /proc/<pid>/stat line. */
export function parseStat(text: string): { comm: string; ticks: number } {
  // The name may hold spaces and parentheses: it ends at the last ')'.
  const end = text.lastIndexOf(')');
  const fields = text.slice(end + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, end), ticks: Number(fields[11]) + Number(fields[12]) };
}

/**
 * The run-queue wait (ns) of /proc/<pid>/schedstat: time the main thread was ready to run and
 * got no CPU. An idle event loop woken by a socket shows this, and no event-loop monitor does.
 */
export function parseSchedstat(text: string): number {
  return Number(text.split(' ')[1]);
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

function readWait(pid: number): number | undefined {
  try {
    return parseSchedstat(readFileSync(`/proc/${pid}/schedstat`, 'utf8'));
  } catch {
    return undefined; // a kernel without scheduler statistics, or gone
  }
}

export function readProcessTicks(): ProcessTicks {
  const ticks: ProcessTicks = new Map();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const { comm, ticks: used } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      let known = names.get(pid);
      if (known?.comm !== comm) names.set(pid, (known = { comm, name: nameOf(pid, comm) }));
      ticks.set(pid, { name: known.name, ticks: used, waitedNs: readWait(pid) });
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

/** Each name's longest run-queue wait (ms) of one main thread from `from` to `to`, kept in `worst` if longer. */
export function addWorstWait(worst: Map<string, number>, from: ProcessTicks, to: ProcessTicks): void {
  for (const [pid, now] of to) {
    const before = from.get(pid);
    if (!before || before.name !== now.name || before.waitedNs === undefined || now.waitedNs === undefined) continue;
    const waited = (now.waitedNs - before.waitedNs) / 1e6;
    const known = worst.get(now.name);
    if (known === undefined || waited > known) worst.set(now.name, waited);
  }
}

/** The `count` biggest users, largest first. */
export function busiest(total: Map<string, number>, count: number): { name: string; ms: number }[] {
  return [...total].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms).slice(0, count);
}
