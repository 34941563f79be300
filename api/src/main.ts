// Starts the storefleet API against the current kube context; owns listening and shutdown.
import * as k8s from '@kubernetes/client-node';
import { loadConfig } from './config.ts';
import { loadEdgeConfig } from './http/edge-config.ts';
import { watchTokenFile } from './http/token-file.ts';
import { createLogger } from './observability/logger.ts';
import { startPlatform } from './platform.ts';

const config = loadConfig(process.env);
const edge = loadEdgeConfig(process.env);
const logger = createLogger();
const kubeConfig = new k8s.KubeConfig();
kubeConfig.loadFromDefault();

const platform = await startPlatform(kubeConfig, config, logger, edge);
const tokenFile = process.env.STOREFLEET_API_TOKENS_FILE;
// The whole configuration is read again, so a reload applies the same rules as the start.
const stopWatchingTokens = tokenFile
  ? watchTokenFile(tokenFile, edge.tokensReloadMs, () => loadConfig(process.env).tokens, platform.tokens, logger)
  : () => undefined;
const server = platform.app.listen(config.port, config.host, () => {
  logger.info({ port: config.port, host: config.host, cluster: kubeConfig.getCurrentCluster()?.server }, 'storefleet API listening');
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  stopWatchingTokens();
  server.close();
  // Open event streams would keep close() waiting: end them (their watches abort on close).
  server.closeAllConnections();
  await platform.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
