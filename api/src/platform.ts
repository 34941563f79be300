// Wires the parts of a running API: clients, cache, reader, operations, reconciler.
import type * as k8s from '@kubernetes/client-node';
import { connectRedis } from './redis.ts';
import { createApp } from './app.ts';
import { ClusterRoom } from './capacity/cluster-room.ts';
import { RoomGate } from './capacity/room-gate.ts';
import type { Config } from './config.ts';
import { TokenRegistry } from './http/auth.ts';
import type { EdgeConfig } from './http/edge-config.ts';
import { StreamLimits } from './http/stream-limits.ts';
import { StoreCache } from './kube/cache.ts';
import { makeKubeClients } from './kube/clients.ts';
import { PodLogFanout } from './kube/pod-log-fanout.ts';
import { StoreActivityWatches } from './kube/store-activity.ts';
import { OperationEvents } from './observability/kube-events.ts';
import { PlatformMetrics } from './observability/metrics.ts';
import { observeFinishedOperations } from './observability/operation-observer.ts';
import { ProgressEvents } from './observability/progress-events.ts';
import { FailFast } from './provisioning/fail-fast.ts';
import { ProvisioningQueue } from './provisioning/queue.ts';
import { StoreOperations } from './provisioning/operations.ts';
import type { Logger } from './observability/logger.ts';
import { Reconciler } from './provisioning/reconciler.ts';
import { LABELS } from './store/names.ts';
import { StoreReader } from './store/reader.ts';
import { shopAddress } from './store/store-url.ts';
import { ShopHealthProbe } from './store/shop-health.ts';
import { operationRunning } from './store/state.ts';
import { type Readiness, redisCheck } from './lifecycle/readiness.ts';

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export async function startPlatform(kubeConfig: k8s.KubeConfig, config: Config, logger: Logger, edge: EdgeConfig, readiness?: Readiness) {
  const kube = makeKubeClients(kubeConfig);
  const cache = new StoreCache(kube);
  readiness?.add('caches', () => cache.syncCheck());
  await cache.start();
  const reader = new StoreReader(kube, cache, shopAddress(config.operations.platformValues));
  const events = new OperationEvents(kube, logger);
  const operations = new StoreOperations(kube, config.operations, events);
  const logs = new PodLogFanout(kube.config, cache);
  const metrics = new PlatformMetrics({
    logFollows: () => logs.size,
    operationsInFlight: () => {
      const pods = cache.pods.list();
      return countBy(cache.jobs.list().filter((job) => operationRunning(job, pods)), (job) => job.metadata?.labels?.[LABELS.operation] ?? 'unknown');
    },
    storesByPhase: () => countBy(reader.list(), (store) => store.state.phase),
  });
  const activity = new StoreActivityWatches(kube, cache, logger);
  const progressEvents = new ProgressEvents(kube, cache, activity, logger);
  const stopActivity = activity.start();
  const stopProgressEvents = progressEvents.start();
  const stopFailFast = config.failFast
    ? new FailFast({
      kube, cache, activity, logger, rules: config.failFast, onEnded: (store, job, blocker) => progressEvents.blocked(store, job, blocker),
    }).start()
    : () => undefined;
  const room = config.room ? new ClusterRoom(kube, cache, config.room) : undefined;
  if (room) readiness?.add('room', () => room.syncCheck());
  await room?.start();
  const roomGate = room && new RoomGate({ kube, cache, room, logger });
  const stopQueue = config.queue.cap > 0
    ? new ProvisioningQueue({ kube, cache, logger, events, ...config.queue, port: config.port, room: roomGate }).start()
    : async () => undefined;
  const stopReconciler = new Reconciler({
    kube, cache, operations, logger, recoveryGraceMs: config.recoveryGraceMs, sweepMinAgeMs: config.operations.sweepMinAgeMs,
    onFinished: observeFinishedOperations(metrics, events, logger),
  }).start();
  const redis = config.redis ? connectRedis(config.redis) : undefined;
  if (redis) readiness?.add('redis', redisCheck(redis));
  const tokens = new TokenRegistry(config.tokens);
  const streams = new StreamLimits(edge.streams);
  // A token taken away (or narrowed) ends the streams it opened.
  tokens.onRevoked((hashes) => streams.revoke(hashes));
  // Only through the platform's own ingress controller, never wherever a shop's host points.
  const shopAddressed = config.operations.shopCheckAddress;
  const shopHealth = shopAddressed ? new ShopHealthProbe(kube.batch, { ingressAddress: shopAddressed }) : undefined;
  const app = createApp({
    kube, cache, reader, operations, logger, metrics, logs, activity, shopHealth, room,
    tokens, streams, edge, baseDomain: config.baseDomain,
    rateLimit: config.rateLimit, redis,
    readiness: readiness && (() => readiness.report()),
  });
  return {
    app,
    tokens,
    async stop() {
      stopReconciler();
      await stopQueue();
      stopFailFast();
      stopProgressEvents();
      stopActivity();
      await cache.stop();
      await room?.stop();
      redis?.disconnect();
    },
  };
}
