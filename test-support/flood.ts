// Floods the API with requests carrying random fake tokens while sampling its resident
// memory, and checks that a real token's requests are answered as before meanwhile.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

/**
 * The process's anonymous resident memory in bytes (Linux /proc): what the kernel cannot
 * reclaim under a memory limit. RSS adds about 60 MiB of the node binary's mapped pages,
 * which are page cache and reclaimable; both are reported.
 */
export function memoryOf(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const value = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
    if (!value) throw new Error(`no ${field} for ${pid}`);
    return Number(value) * 1024;
  };
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}

export const anonRssOf = (pid: number) => memoryOf(pid).anon;

export interface FloodResult {
  requests: number;
  seconds: number;
  byStatus: Record<number, number>;
  /** Anonymous RSS before, at peak and after. */
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  /** RSS with the binary's mapped pages, at peak. */
  totalRssPeak: number;
  /** The real token's answers during the flood, by status. */
  realByStatus: Record<number, number>;
}

export async function flood(
  options: { url: string; pid: number; requests: number; concurrency: number; realToken: string; realEveryMs: number },
): Promise<FloodResult> {
  const dispatcher = new Agent({ connections: options.concurrency, pipelining: 1 });
  const byStatus: Record<number, number> = {};
  const realByStatus: Record<number, number> = {};
  const rssBefore = anonRssOf(options.pid);
  let rssPeak = rssBefore;
  let totalRssPeak = 0;
  const sample = () => {
    const { rss, anon } = memoryOf(options.pid);
    rssPeak = Math.max(rssPeak, anon);
    totalRssPeak = Math.max(totalRssPeak, rss);
  };
  const sampler = setInterval(sample, 50);
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
  sample();
  return { requests: options.requests, seconds, byStatus, rssBefore, rssPeak, rssAfter: anonRssOf(options.pid), totalRssPeak, realByStatus };
}

export const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
