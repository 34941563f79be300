// Which processes had the CPUs (Linux, /proc/<pid>/stat), and which waited for one
// (/proc/<pid>/schedstat): read at each of the node sampler's windows, so a latency tail can be
// laid at the door of whoever took both cores then (the control plane, helm, a store's pods,
// or the bench itself) and of whose loop sat ready without a CPU.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** /proc's clock ticks are USER_HZ, 100 a second on Linux whatever the kernel's own HZ. */
const TICK_MS = 10;

/**
 * Per pid: its name, when it started (a pid reused by a later process starts later), its CPU
 * ticks, and how long (ns) its main thread waited runnable for a CPU.
 */
export interface Reading { name: string; started: number; ticks: number; waitedNs?: number }
export type ProcessTicks = Map<number, Reading>;

/** The command name, user+system ticks and start time (ticks since boot) of one /proc/<pid>/stat line. */
export function parseStat(text: string): { comm: string; ticks: number; started: number } {
  // The name may hold spaces and parentheses: it ends at the last ')'. Fields after it count from 3.
  const end = text.lastIndexOf(')');
  const fields = text.slice(end + 2).split(' ');
  const field = (n: number) => Number(fields[n - 3]);
  return { comm: text.slice(text.indexOf('(') + 1, end), ticks: field(14) + field(15), started: field(22) };
}

/**
 * The run-queue wait (ns) of /proc/<pid>/schedstat, the main thread's: time it was ready to
 * run and got no CPU. An idle event loop woken by a socket shows this, and no event-loop
 * monitor does. A kernel without scheduler statistics prints zeros: no answer, not no wait.
 */
export function parseSchedstat(text: string): number | undefined {
  const [onCpu, waited] = text.split(' ').map(Number);
  return onCpu === 0 && waited === 0 ? undefined : waited;
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

/**
 * Node names its main thread: the script it runs says which of ours it is. Read at every scan,
 * not cached: a node child seen between fork and exec still has its parent's command line.
 */
function nameOf(pid: number, comm: string): string {
  if (comm !== 'MainThread' && comm !== 'node') return comm;
  const script = scriptOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
  return script ? `node ${path.basename(script)}` : comm;
}

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
      const { comm, ticks: used, started } = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      ticks.set(pid, { name: nameOf(pid, comm), started, ticks: used, waitedNs: readWait(pid) });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return ticks;
}

/** The same process, under the same name, at both readings. */
function sameProcess(before: Reading | undefined, now: Reading): before is Reading {
  return before !== undefined && before.started === now.started && before.name === now.name;
}

/** CPU time (ms) each name used from `from` to `to`, added into `total`; processes seen at both ends only. */
export function addUse(total: Map<string, number>, from: ProcessTicks, to: ProcessTicks): void {
  for (const [pid, now] of to) {
    const before = from.get(pid);
    if (!sameProcess(before, now) || now.ticks <= before.ticks) continue;
    total.set(now.name, (total.get(now.name) ?? 0) + (now.ticks - before.ticks) * TICK_MS);
  }
}

/** A main thread's wait for a CPU in one window, and how long that window really was (the sampler's timer can fire late). */
export interface Wait { ms: number; windowMs: number }

/** Each name's longest run-queue wait (ms) of one main thread from `from` to `to` (`windowMs` apart), kept in `worst` if longer. */
export function addWorstWait(worst: Map<string, Wait>, from: ProcessTicks, to: ProcessTicks, windowMs: number): void {
  for (const [pid, now] of to) {
    const before = from.get(pid);
    if (!sameProcess(before, now) || before.waitedNs === undefined || now.waitedNs === undefined) continue;
    const waited = (now.waitedNs - before.waitedNs) / 1e6;
    if (waited > (worst.get(now.name)?.ms ?? -1)) worst.set(now.name, { ms: waited, windowMs });
  }
}

/** The `count` biggest users, largest first. */
export function busiest(total: Map<string, number>, count: number): { name: string; ms: number }[] {
  return longest(new Map([...total].map(([name, ms]) => [name, { ms }])), count);
}

/** The `count` longest entries, by `ms`, largest first. */
export function longest<T extends { ms: number }>(byName: Map<string, T>, count: number): ({ name: string } & T)[] {
  return [...byName].map(([name, value]) => ({ name, ...value })).sort((a, b) => b.ms - a.ms).slice(0, count);
}
