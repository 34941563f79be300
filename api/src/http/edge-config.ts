// Configuration of the HTTP edge: who may embed the API (CORS), which proxy hops may name the
// client's address, the budget of requests without a valid token, and the caps on event
// streams. Validated once at start, like config.ts, whose `edge` it becomes.
import { z } from 'zod';
import { trustedProxiesProblem } from './client-address.ts';

const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);

/** "https://shop.example" exactly: scheme, host and port, no path, no wildcard. */
export function parseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`STOREFLEET_ALLOWED_ORIGINS: "${value}" is not an origin like https://shop.example`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.origin !== value.replace(/\/$/, '') || url.username || url.password || !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(url.hostname)) {
    throw new Error(`STOREFLEET_ALLOWED_ORIGINS: "${value}" is not an origin like https://shop.example (scheme, host and port only)`);
  }
  return url.origin;
}

const schema = z.object({
  /** Comma-separated origins whose pages may call the API and load its bundle; none by default. */
  STOREFLEET_ALLOWED_ORIGINS: z.string().default(''),
  /** Comma-separated addresses or CIDRs of the proxy hops in front of the API (e.g. the ingress pods). */
  STOREFLEET_TRUSTED_PROXIES: z.string().default(''),
  /** Replaced by STOREFLEET_TRUSTED_PROXIES: trusting X-Forwarded-For from anyone let clients choose their address. */
  STOREFLEET_TRUST_PROXY: z.enum(['true', 'false']).optional(),
  /** Requests without a valid token per client address per rate window. */
  STOREFLEET_RATE_ANONYMOUS_MAX: z.coerce.number().int().min(1).default(30),
  /** Most budgets kept in memory per kind; the oldest are forgotten first. */
  STOREFLEET_RATE_MAX_KEYS: z.coerce.number().int().min(100).max(10_000_000).default(10_000),
  STOREFLEET_SSE_MAX_PER_TOKEN: z.coerce.number().int().min(1).default(20),
  STOREFLEET_SSE_MAX_STREAMS: z.coerce.number().int().min(1).default(1000),
  /** A stream with nothing but heartbeats this long is ended; the element resumes by id. */
  STOREFLEET_SSE_IDLE_SECONDS: z.coerce.number().min(1).max(86_400).default(600),
  /** Bytes a stream may hold unsent for a reader that does not read, before it is dropped. */
  STOREFLEET_SSE_MAX_BUFFER_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  /** How long a reader may leave the stream's buffer full before it is dropped. */
  STOREFLEET_SSE_STALL_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** How often a token file (STOREFLEET_API_TOKENS_FILE) is checked for changes. */
  STOREFLEET_TOKENS_RELOAD_SECONDS: z.coerce.number().min(1).max(3600).default(10),
});

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;

export function loadEdgeConfig(env: Record<string, string | undefined>) {
  const raw = schema.parse(env);
  if (raw.STOREFLEET_TRUST_PROXY === 'true') {
    throw new Error('STOREFLEET_TRUST_PROXY is replaced by STOREFLEET_TRUSTED_PROXIES: list the addresses or CIDRs of your ingress pods.');
  }
  const trustedProxies = list(raw.STOREFLEET_TRUSTED_PROXIES);
  const problem = trustedProxiesProblem(trustedProxies);
  if (problem) throw new Error(`STOREFLEET_TRUSTED_PROXIES: ${problem}`);
  return {
    allowedOrigins: list(raw.STOREFLEET_ALLOWED_ORIGINS).map(parseOrigin),
    trustedProxies,
    anonymousMax: raw.STOREFLEET_RATE_ANONYMOUS_MAX,
    maxRateKeys: raw.STOREFLEET_RATE_MAX_KEYS,
    streams: {
      perToken: raw.STOREFLEET_SSE_MAX_PER_TOKEN,
      perProcess: raw.STOREFLEET_SSE_MAX_STREAMS,
      idleMs: raw.STOREFLEET_SSE_IDLE_SECONDS * 1000,
      maxBufferedBytes: raw.STOREFLEET_SSE_MAX_BUFFER_BYTES,
      stallMs: raw.STOREFLEET_SSE_STALL_SECONDS * 1000,
    },
    tokensReloadMs: raw.STOREFLEET_TOKENS_RELOAD_SECONDS * 1000,
  };
}
