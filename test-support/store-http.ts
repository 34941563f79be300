// HTTP to a store on the cluster, as its visitors see it: a cookie jar, `kubectl
// port-forward` to the store's Service, and the admin's login through /wp-login.php with a
// `wp_rest` nonce for the REST API (shared with store.cluster.test.ts).
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import { expect } from 'vitest';
import { portForward } from './port-forward.ts';

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** A tiny HTTP client with a cookie jar that talks to the store under its own host name. */
export class Visitor {
  readonly cookies = new Map<string, string>();
  readonly origin: string;
  readonly host: string;
  constructor(origin: string, host: string) {
    this.origin = origin;
    this.host = host;
  }

  request(method: string, target: string, { body, headers = {} }: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return new Promise((resolve, reject) => {
      const req = http.request(new URL(target, this.origin), {
        method, headers: { host: this.host, ...(cookie ? { cookie } : {}), ...(body ? { 'content-length': Buffer.byteLength(body) } : {}), ...headers },
      }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair = ''] = line.split(';');
          const name = pair.slice(0, pair.indexOf('='));
          const expires = /expires=([^;]+)/i.exec(line)?.[1];
          if (expires && Date.parse(expires) < Date.now()) this.cookies.delete(name);
          else this.cookies.set(name, pair.slice(pair.indexOf('=') + 1));
        }
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  json(method: string, target: string, body?: object, headers: Record<string, string> = {}) {
    return this.request(method, target, { body: body && JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  }
}

/** The one value of a response header (Node lower-cases their names). */
export function header(reply: Reply, name: string): string | undefined {
  const value = reply.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a JSON reply, with the start of the body in the error when it is not JSON. */
export function parse<T>(reply: Reply): T {
  try {
    return JSON.parse(reply.body) as T;
  } catch {
    throw new Error(`not JSON (HTTP ${reply.status}): ${reply.body.slice(0, 500)}`);
  }
}

export interface StoreTarget {
  kubectl: string;
  env: NodeJS.ProcessEnv;
  namespace: string;
  release: string;
  /** The store's host name (its siteurl), sent as Host. */
  host: string;
}

/** Port-forwards to stores' Services; `close()` ends every forward it started. */
export class StoreForwards {
  private readonly children: ChildProcess[] = [];

  /** `kubectl port-forward` to the store's WordPress Service from a free loopback port. */
  open({ kubectl, env, namespace, release }: StoreTarget): Promise<string> {
    const forward = portForward(kubectl, env, namespace, `svc/${release}-wordpress`, 80);
    this.children.push(forward.child);
    return forward.url;
  }

  close() {
    for (const child of this.children) child.kill();
    this.children.length = 0;
  }
}

/** Logs in through /wp-login.php and fetches a `wp_rest` nonce for cookie-authenticated REST calls. */
export async function logInAsAdmin(origin: string, host: string, password: string, user = 'admin'): Promise<{ admin: Visitor; nonce: string }> {
  const admin = new Visitor(origin, host);
  const form = await admin.request('GET', '/wp-login.php');
  expect(form.status).toBe(200);
  expect(admin.cookies.has('wordpress_test_cookie')).toBe(true);
  const login = await admin.request('POST', '/wp-login.php', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ log: user, pwd: password, 'wp-submit': 'Log In', redirect_to: `http://${host}/wp-admin/`, testcookie: '1' }).toString(),
  });
  expect(login.status, login.body.slice(0, 500)).toBe(302);
  expect([...admin.cookies.keys()].some((name) => name.startsWith('wordpress_logged_in_'))).toBe(true);
  const nonce = await admin.request('GET', '/wp-admin/admin-ajax.php?action=rest-nonce');
  expect(nonce.status).toBe(200);
  expect(nonce.body).toMatch(/^[0-9a-f]{10}$/);
  return { admin, nonce: nonce.body };
}
