// Starts the storefleet API against the current kube context; owns listening and shutdown.
// It listens first, so liveness answers and /readyz says what is missing while the caches
// sync; the app takes over the server once they have.
import http from 'node:http';
import * as k8s from '@kubernetes/client-node';
import { loadConfig } from './config.ts';
import { loadEdgeConfig } from './http/edge-config.ts';
import { endAllStreams } from './http/sse.ts';
import { watchTokenFile } from './http/token-file.ts';
import { ClusterProbe } from './lifecycle/cluster-probe.ts';
import { loadLifecycleConfig } from './lifecycle/config.ts';
import { drain, InFlight } from './lifecycle/drain.ts';
import { startingHandler } from './lifecycle/gate.ts';
import { PermissionsCheck, REQUIRED_ACCESS, ROOM_ACCESS } from './lifecycle/permissions.ts';
import { Readiness } from './lifecycle/readiness.ts';
import { createLogger } from './observability/logger.ts';
import { startPlatform } from './platform.ts';

const config = loadConfig(process.env);
const edge = loadEdgeConfig(process.env);
const lifecycle = loadLifecycleConfig(process.env);
const logger = createLogger();
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromDefault();

const readiness = new Readiness();
const clusterProbe = new ClusterProbe(kubeConfig, lifecycle.cluster);
const permissions = new PermissionsCheck(kubeConfig, lifecycle.permissionsEveryMs, config.room ? [...REQUIRED_ACCESS, ...ROOM_ACCESS] : REQUIRED_ACCESS);
readiness.add('caches', () => ({ name: 'caches', ok: false, reason: 'syncing: namespaces, jobs, pods, records' }));
readiness.add('cluster', () => clusterProbe.check());
readiness.add('permissions', () => permissions.check());
const stopChecks = [clusterProbe.start(), permissions.start(), readiness.logChanges(logger)];

let handle: http.RequestListener = startingHandler(() => readiness.report());
const server = http.createServer((request, response) => handle(request, response));
const inFlight = new InFlight().track(server);
server.listen(config.port, config.host, () => {
  logger.info({ port: config.port, host: config.host, cluster: kubeConfig.getCurrentCluster()?.server }, 'storefleet API listening');
});

/** The platform, once the caches have synced (a SIGTERM may come before). */
const running: { platform?: Awaited<ReturnType<typeof startPlatform>> } = {};
let stopWatchingTokens = () => undefined as void;
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // /readyz is 503 from here on; requests in flight finish, streams are told to reconnect.
  readiness.drain();
  logger.info({ signal, drainSeconds: lifecycle.drainMs / 1000 }, 'draining');
  stopWatchingTokens();
  const drained = await drain({ server, inFlight, drainMs: lifecycle.drainMs, endStreams: () => endAllStreams(lifecycle.sseRetryMs) });
  logger.info(drained, 'drained');
  for (const stop of stopChecks) stop();
  // Bounded: with the cluster gone, releasing a Lease or closing a watch may never answer.
  await Promise.race([running.platform?.stop(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const platform = await startPlatform(kubeConfig, config, logger, edge, readiness);
running.platform = platform;
if (!stopping) {
  handle = platform.app.callback();
  const tokenFile = process.env.STOREFLEET_API_TOKENS_FILE;
  // The whole configuration is read again, so a reload applies the same rules as the start.
  if (tokenFile) stopWatchingTokens = watchTokenFile(tokenFile, edge.tokensReloadMs, () => loadConfig(process.env).tokens, platform.tokens, logger);
}
