// `kubectl port-forward` from a free loopback port, for tests that reach a Service or pod
// as a person on the machine would.
import { type ChildProcess, spawn } from 'node:child_process';

export interface PortForward {
  child: ChildProcess;
  /** Resolves to `http://127.0.0.1:<port>` once kubectl listens. */
  url: Promise<string>;
}

export function portForward(kubectl: string, env: NodeJS.ProcessEnv, namespace: string, target: string, port: number): PortForward {
  const child = spawn(kubectl, ['-n', namespace, 'port-forward', target, `:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume(); // kubectl's per-connection complaints must not fill the pipe and stall it
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const local = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(chunk.toString())?.[1];
      if (local) resolve(`http://127.0.0.1:${local}`);
    });
    child.once('exit', (code) => reject(new Error(`port-forward to ${target} exited with ${code}`)));
    child.once('error', reject);
  });
  return { child, url };
}
