// A fake storefleet API inside the page, answering the element's fetch calls: enough of the
// REST surface and the SSE stream to test <store-manager> without a server. The real API and
// cluster are exercised by the dashboard's cluster test.
import type { Capacity, StoreView } from '../src/api/types.ts';
import { PLANS, storeView } from './fixtures.ts';

export interface SseEvent { id?: string; event: string; data: unknown }

export interface Request { method: string; path: string; query: string; headers: Headers; body?: unknown }

/** One connection's worth of events; `drop: true` ends the response as a network drop would. */
export interface StreamScript { events: SseEvent[]; drop?: boolean }

export class FakeApi {
  stores: StoreView[] = [];
  /** GET /capacity's answer: a tenant's by default. */
  capacity: Capacity = { tracked: false, reason: 'Only a platform admin sees the cluster\'s capacity.' };
  token = 'tok-alice';
  requests: Request[] = [];
  /** Per store: the scripts served to successive /events connections. */
  streams = new Map<string, StreamScript[]>();
  private original = globalThis.fetch;
  private listsHeld: Promise<void> | undefined;

  install(): this {
    globalThis.fetch = (input, init) => this.answer(new globalThis.Request(input, init));
    return this;
  }

  restore(): void {
    globalThis.fetch = this.original;
  }

  /** Keeps list answers on their way until the returned function is called. */
  holdLists(): () => void {
    let release!: () => void;
    this.listsHeld = new Promise((resolve) => (release = resolve));
    return () => {
      this.listsHeld = undefined;
      release();
    };
  }

  /** The requests made to `path` (and method), in order. */
  calls(method: string, path: string): Request[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  private async answer(request: globalThis.Request): Promise<Response> {
    const path = new URL(request.url).pathname.replace(/^\/api\/v1/, '');
    const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : await request.json().catch(() => undefined);
    this.requests.push({ method: request.method, path, query: new URL(request.url).search.slice(1), headers: request.headers, body });
    if (request.headers.get('Authorization') !== `Bearer ${this.token}`) {
      return json(401, { error: { code: 'unauthorized', message: 'A valid bearer token is required.' } });
    }
    const events = /^\/stores\/([^/]+)\/events$/.exec(path);
    if (events) return this.stream(decodeURIComponent(events[1]!), request.signal);
    const one = /^\/stores\/([^/]+)$/.exec(path);
    if (request.method === 'GET' && path === '/stores') {
      await this.listsHeld;
      const listed = this.page(new URL(request.url).searchParams);
      return listed ? json(200, listed) : json(400, { error: { code: 'invalid_continue', message: 'This continue token is not valid: pass the one the previous page returned.' } });
    }
    if (request.method === 'GET' && one) {
      const store = this.stores.find((s) => s.name === decodeURIComponent(one[1]!));
      return store ? json(200, { store }) : json(404, { error: { code: 'store_not_found', message: 'No such store.' } });
    }
    if (request.method === 'GET' && path === '/plans') return json(200, { items: PLANS });
    if (request.method === 'GET' && path === '/capacity') return json(200, this.capacity);
    if (request.method === 'GET' && /^\/stores\/[^/]+\/revisions$/.test(path)) return json(200, { items: [] });
    if (request.method === 'POST' && path === '/stores') {
      const { name, plan } = body as { name: string; plan: NonNullable<StoreView['spec']>['plan'] };
      if (this.stores.some((s) => s.name === name)) return json(409, { error: { code: 'conflict', message: `A store named "${name}" already exists.` } });
      const store = storeView(name, { spec: { plan, host: `${name}.shops.test`, title: name, adminEmail: '' }, createdAt: new Date().toISOString(), state: { phase: 'Provisioning', reason: 'InstallPending', message: 'Waiting for the install Job.', since: new Date().toISOString() } });
      this.stores.push(store);
      return json(202, { store, operation: { job: `install-${name}-1` } });
    }
    if (request.method === 'DELETE' && one) {
      const store = this.stores.find((s) => s.name === decodeURIComponent(one[1]!));
      if (!store) return json(404, { error: { code: 'not_found', message: 'No such store.' } });
      store.state = { ...store.state, phase: 'Deleting', reason: 'DeleteRequested', message: 'Deleting the store.' };
      return json(202, { store });
    }
    return json(404, { error: { code: 'not_found', message: `No route ${request.method} ${path}.` } });
  }

  /**
   * The API's list contract in small: q and phase filters, name order, and a token that is the
   * offset bound to its search (`<offset>.<q>.<phase>.<sort>`), refused (undefined) for another search.
   */
  private page(params: URLSearchParams) {
    const q = params.get('q')?.trim().toLowerCase() ?? '';
    const phase = params.get('phase') ?? '';
    const direction = params.get('sort') === '-name' ? -1 : 1;
    const matches = this.stores
      .filter((s) => (!q || s.name.includes(q) || s.tenant.includes(q)) && (!phase || s.state.phase === phase))
      .sort((a, b) => direction * a.name.localeCompare(b.name));
    const search = `${q}.${phase}.${params.get('sort') ?? ''}`;
    const token = params.get('continue');
    if (token !== null && !token.endsWith(`.${search}`)) return undefined;
    const start = token === null ? 0 : Number(token.split('.')[0]);
    const limit = Number(params.get('limit') ?? matches.length);
    const items = matches.slice(start, start + limit);
    const remainingItemCount = Math.max(0, matches.length - start - items.length);
    const byPhase: Record<string, number> = {};
    for (const s of this.stores) byPhase[s.state.phase] = (byPhase[s.state.phase] ?? 0) + 1;
    return {
      items,
      metadata: { remainingItemCount, ...(remainingItemCount ? { continue: `${start + items.length}.${search}` } : {}) },
      counts: { all: this.stores.length, byPhase },
    };
  }

  private stream(name: string, signal: AbortSignal): Response {
    const script = this.streams.get(name)?.shift() ?? { events: [] };
    const encoder = new TextEncoder();
    const chunks = script.events.map((e) => encoder.encode(`${e.id ? `id: ${e.id}\n` : ''}event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal.addEventListener('abort', () => controller.error(signal.reason), { once: true });
      },
      // Pulled one event at a time, so a drop comes only after every event was read (an
      // error in start() would discard what is still queued).
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else if (script.drop) controller.error(new TypeError('network error'));
        else return new Promise<void>(() => undefined); // stays open, as the API's stream does
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

export const status = (name: string, phase: string, message: string, reason = phase) =>
  ({ event: 'status', data: { name, phase, reason, message, since: new Date().toISOString() } });

export const log = (job: string, line: number, text: string) =>
  ({ id: `${job}:${line}`, event: 'log', data: { job, line, text } });
