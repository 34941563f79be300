// How many event streams may be open: per token and per process (each holds a socket, a
// buffer and cache subscriptions). A stream holds a lease; revoking a token ends its streams.
import { HttpError } from './errors.ts';

export interface StreamCaps {
  perToken: number;
  perProcess: number;
}

export interface StreamLease {
  release(): void;
}

export class StreamLimits {
  private readonly caps: StreamCaps;
  private readonly byToken = new Map<string, Set<() => void>>();
  private total = 0;

  constructor(caps: StreamCaps) {
    this.caps = caps;
  }

  get size() {
    return this.total;
  }

  /** A lease for one more stream of `tokenHash`, or 429 past a cap; `end` closes the stream. */
  acquire(tokenHash: string, end: () => void): StreamLease {
    const open = this.byToken.get(tokenHash) ?? new Set();
    if (this.total >= this.caps.perProcess) {
      throw new HttpError(429, 'too_many_streams', `This API process already serves ${this.caps.perProcess} event streams; retry later.`, { limit: this.caps.perProcess, scope: 'process' }, { 'Retry-After': '5' });
    }
    if (open.size >= this.caps.perToken) {
      throw new HttpError(429, 'too_many_streams', `This token already has ${this.caps.perToken} open event streams; close one first.`, { limit: this.caps.perToken, scope: 'token' }, { 'Retry-After': '5' });
    }
    open.add(end);
    this.byToken.set(tokenHash, open);
    this.total += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        open.delete(end);
        if (open.size === 0 && this.byToken.get(tokenHash) === open) this.byToken.delete(tokenHash);
        this.total -= 1;
      },
    };
  }

  /** Ends every stream of these tokens (their lease is released when the stream closes). */
  revoke(tokenHashes: Iterable<string>) {
    for (const hash of tokenHashes) for (const end of [...(this.byToken.get(hash) ?? [])]) end();
  }
}
