// Against a real redis-server that asks for a password, as k8s/redis runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from './redis.ts';

const PASSWORD = 'test-redis-password';
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  url = `redis://127.0.0.1:${port}`;
  // The password on stdin, as k8s/redis passes it (never on a command line).
  server = spawn('redis-server', ['-', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['pipe', 'ignore', 'inherit'] });
  server.stdin!.end(`requirepass ${PASSWORD}\n`);
  const client = connectRedis({ url, password: PASSWORD });
  client.on('error', () => undefined); // refused until the server listens
  try {
    for (let attempt = 0; ; attempt++) {
      if (await client.ping().then(() => true, () => false)) break;
      if (attempt > 100) throw new Error('redis-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    client.disconnect();
  }
});

afterAll(() => {
  server?.kill();
});

describe('connectRedis', () => {
  it('authenticates with the password given apart from the URL', async () => {
    const client = connectRedis({ url, password: PASSWORD });
    try {
      expect(await client.incr('budget')).toBe(1);
    } finally {
      client.disconnect();
    }
  });

  it('is refused by a Redis that wants a password when it has none', async () => {
    const client = connectRedis({ url });
    client.on('error', () => undefined);
    try {
      await expect(client.incr('budget')).rejects.toThrow(/NOAUTH/);
    } finally {
      client.disconnect();
    }
  });
});
