// A small typed client for the storefleet REST API, used by <store-manager>.
import type { AdminCredentials, Capacity, ListPhase, PlanSummary, Revision, ShopHealth, Sort, StorePage, StoreView } from './types.ts';

/** An error answer from the API: `{ error: { code, message } }` with its HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface Accepted {
  store: StoreView;
  operation?: { job: string };
}

/** One page request of the store list; empty values are left out. */
export interface PageQuery { limit: number; continue?: string; phase?: ListPhase | ''; q?: string; sort?: Sort }

export class StoreApi {
  readonly base: string;
  readonly token: string;
  constructor(base: string, token: string) {
    this.base = base.replace(/\/$/, '');
    this.token = token;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Accept: 'application/json', ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  url(path: string): string {
    return `${this.base}/api/v1${path}`;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        headers: this.headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'The storefleet API cannot be reached. Check your connection and try again.');
    }
    const answer = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = answer?.error;
      throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `The API answered ${response.status}.`);
    }
    return answer as T;
  }

  /** A page of the stores this token may see, searched, filtered and sorted by the API. */
  page(query: PageQuery): Promise<StorePage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
    return this.call('GET', `/stores?${params}`);
  }

  async get(name: string): Promise<StoreView> {
    return (await this.call<{ store: StoreView }>('GET', `/stores/${encodeURIComponent(name)}`)).store;
  }

  async plans(): Promise<PlanSummary[]> {
    return (await this.call<{ items: PlanSummary[] }>('GET', '/plans')).items;
  }

  /** The cluster's room for stores; admins only (403 admin_only for a tenant's token). */
  capacity(): Promise<Capacity> {
    return this.call('GET', '/capacity');
  }

  create(name: string, plan: string): Promise<Accepted> {
    return this.call('POST', '/stores', { name, plan });
  }

  change(name: string, changes: { plan?: string }): Promise<Accepted> {
    return this.call('PATCH', `/stores/${encodeURIComponent(name)}`, changes);
  }

  /** The store's Helm release revisions, newest first. */
  async revisions(name: string): Promise<Revision[]> {
    return (await this.call<{ items: Revision[] }>('GET', `/stores/${encodeURIComponent(name)}/revisions`)).items;
  }

  /** A Ready store's shop as a shopper sees it: versions, the Store API, the last cron run. */
  async health(name: string): Promise<ShopHealth> {
    return (await this.call<{ health: ShopHealth }>('GET', `/stores/${encodeURIComponent(name)}/health`)).health;
  }

  rollback(name: string, revision: number): Promise<Accepted> {
    return this.call('POST', `/stores/${encodeURIComponent(name)}/rollback`, { revision });
  }

  remove(name: string): Promise<Accepted> {
    return this.call('DELETE', `/stores/${encodeURIComponent(name)}`);
  }

  revealCredentials(name: string): Promise<AdminCredentials> {
    return this.call('POST', `/stores/${encodeURIComponent(name)}/admin-credentials`);
  }
}
