// Floods the API with requests carrying random fake tokens while sampling its resident
// memory, and checks that a real token's requests are answered as before meanwhile.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

/** The process's resident set in bytes (Linux /proc), as the kernel counts it against a memory limit. */
export function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

export interface FloodResult {
  requests: number;
  seconds: number;
  byStatus: Record<number, number>;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  /** The real token's answers during the flood, by status. */
  realByStatus: Record<number, number>;
}

export async function flood(options: { url: string; pid: number; requests: number; concurrency: number; realToken: string; realEveryMs: number }): Promise<FloodResult> {
  const dispatcher = new Agent({ connections: options.concurrency, pipelining: 1 });
  const byStatus: Record<number, number> = {};
  const realByStatus: Record<number, number> = {};
  const rssBefore = rssOf(options.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, rssOf(options.pid)); }, 50);
  let done = false;
  const real = (async () => {
    while (!done) {
      const answer = await request(`${options.url}/api/v1/stores`, { headers: { Authorization: `Bearer ${options.realToken}` } });
      await answer.body.dump();
      realByStatus[answer.statusCode] = (realByStatus[answer.statusCode] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, options.realEveryMs));
    }
  })();
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < options.requests) {
      next += 1;
      const answer = await request(`${options.url}/api/v1/stores`, { headers: { Authorization: `Bearer ${randomBytes(24).toString('base64url')}` }, dispatcher });
      await answer.body.dump();
      byStatus[answer.statusCode] = (byStatus[answer.statusCode] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  done = true;
  await real;
  clearInterval(sampler);
  await dispatcher.close();
  return { requests: options.requests, seconds, byStatus, rssBefore, rssPeak: Math.max(rssPeak, rssOf(options.pid)), rssAfter: rssOf(options.pid), realByStatus };
}

export const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
