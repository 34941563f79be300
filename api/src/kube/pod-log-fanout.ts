// One follow of an operation pod's log per API process, shared by everyone watching it.
// Each follow costs the kubelet an inotify instance (128 per user by default): one follow per
// viewer made viewers past that limit get the lines written so far and then a silently
// ended stream. Sharing also keeps late viewers cheap: they replay the lines held here.
// A follow that ends while the container still runs (an inotify shortage, an API server
// restart) is started again; the line count skips what was already delivered.
import type * as k8s from '@kubernetes/client-node';
import type { StoreCache } from './cache.ts';
import { followPodLog } from './pod-log.ts';

export interface LogListener {
  line(text: string, number: number): void;
  /** The container has finished and every line was delivered. */
  end(): void;
}

/** Lines held per pod: a provisioner prints a few hundred; a runaway one is cut here. */
const MAX_LINES = 20_000;
const REFOLLOW_DELAY_MS = 500;

const terminated = (pod: k8s.V1Pod | undefined, container: string) => {
  if (!pod) return true; // gone: nothing more will be written
  const status = pod.status?.containerStatuses?.find((c) => c.name === container);
  return Boolean(status?.state?.terminated) || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
};

class PodLogFeed {
  readonly lines: string[] = [];
  readonly listeners = new Set<LogListener>();
  done = false;
  readonly controller = new AbortController();
  private readonly config: k8s.KubeConfig;
  private readonly cache: StoreCache;
  private readonly namespace: string;
  private readonly pod: string;
  private readonly container: string;

  constructor(config: k8s.KubeConfig, cache: StoreCache, namespace: string, pod: string, container: string) {
    this.config = config;
    this.cache = cache;
    this.namespace = namespace;
    this.pod = pod;
    this.container = container;
  }

  async run(): Promise<void> {
    const { signal } = this.controller;
    while (!signal.aborted && !this.done) {
      // Known finished before this follow began: the follow reads the whole log and ends.
      const finishedBefore = terminated(this.cache.pods.get(this.pod, this.namespace), this.container);
      let number = 0;
      try {
        for await (const text of followPodLog(this.config, this.namespace, this.pod, this.container, signal)) {
          number += 1;
          if (number > this.lines.length && this.lines.length < MAX_LINES) {
            this.lines.push(text);
            for (const listener of this.listeners) listener.line(text, number);
          }
        }
      } catch {
        // Not started yet, gone, or the connection broke: decided below.
      }
      if (signal.aborted) return;
      if (finishedBefore) {
        this.done = true;
        for (const listener of this.listeners) listener.end();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, REFOLLOW_DELAY_MS));
    }
  }
}

export class PodLogFanout {
  private readonly feeds = new Map<string, PodLogFeed>();
  private readonly config: k8s.KubeConfig;
  private readonly cache: StoreCache;

  constructor(config: k8s.KubeConfig, cache: StoreCache) {
    this.config = config;
    this.cache = cache;
  }

  /**
   * Replays the container's log so far to `listener`, then each new line, then `end`.
   * Returns the unsubscribe; the follow stops when its last listener leaves.
   */
  subscribe(namespace: string, pod: string, container: string, listener: LogListener): () => void {
    const key = `${namespace}/${pod}/${container}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      const created = new PodLogFeed(this.config, this.cache, namespace, pod, container);
      this.feeds.set(key, created);
      void created.run().finally(() => {
        // A finished log stays while someone listens; an aborted one is already removed.
        if (created.listeners.size === 0 && this.feeds.get(key) === created) this.feeds.delete(key);
      });
      feed = created;
    }
    feed.lines.forEach((text, i) => listener.line(text, i + 1));
    if (feed.done) listener.end();
    feed.listeners.add(listener);
    const current = feed;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.feeds.get(key) === current) {
        this.feeds.delete(key);
        current.controller.abort();
      }
    };
  }

  /** Pod logs followed right now. */
  get size(): number {
    return this.feeds.size;
  }
}
