// A minimal SSE reader over fetch (like the element's): collects events until told to stop.
// Parsed by eventsource-parser, as the many-viewer subscribers (sse-subscribers.ts) are.
import { createParser } from 'eventsource-parser';

export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

export async function readEvents(
  url: string, token: string, options: { lastEventId?: string; until: (events: SseEvent[]) => boolean; timeoutMs: number },
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const events: SseEvent[] = [];
  const parser = createParser({
    onEvent: ({ event, id, data }) => {
      if (event) events.push({ event, id, data: JSON.parse(data || 'null') });
    },
  });
  try {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream', ...(options.lastEventId ? { 'Last-Event-ID': options.lastEventId } : {}) },
      signal: controller.signal,
    });
    if (response.status !== 200) throw new Error(`events answered ${response.status}`);
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (options.until(events)) break;
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}
