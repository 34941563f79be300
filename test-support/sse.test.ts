import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from './sse.ts';
import { metricSample, metricSum } from './metrics.ts';

describe('the suites\' SSE reader', () => {
  let server: http.Server;
  let url = '';
  const seen: (string | undefined)[] = [];
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push(request.headers['last-event-id'] as string | undefined);
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      // A heartbeat comment, an event split across writes, and one without a name (skipped).
      response.write(': heartbeat\n\n');
      response.write('id: j:1\nevent: log\ndata: {"job":"j",');
      setTimeout(() => response.write('"line":1}\n\ndata: "unnamed"\n\nevent: status\ndata: {"phase":"Ready"}\n\n'), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // Each event carries only its own id, as the API writes one on every event it means to be resumable.
  it('collects named events until told to stop, resuming from an id', async () => {
    const events = await readEvents(url, 't', { lastEventId: 'j:0', until: (e) => e.some((x) => x.event === 'status'), timeoutMs: 5000 });
    expect(events).toEqual([{ event: 'log', id: 'j:1', data: { job: 'j', line: 1 } }, { event: 'status', data: { phase: 'Ready' } }]);
    expect(seen).toEqual(['j:0']);
  });
});

describe('the suites\' /metrics reader', () => {
  const text = '# TYPE x counter\nstorefleet_stores{phase="Ready"} 3\nstorefleet_stores{phase="Failed"} 1\nprocess_resident_memory_bytes 1048576\n';
  it('reads one sample by its exact series, and sums a labelled metric', () => {
    expect(metricSample(text, 'storefleet_stores{phase="Ready"}')).toBe(3);
    expect(metricSample(text, 'process_resident_memory_bytes')).toBe(1048576);
    expect(metricSample(text, 'storefleet_stores')).toBeUndefined();
    expect(metricSum(text, 'storefleet_stores')).toBe(4);
  });
});
