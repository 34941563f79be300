// `npm start`: runs the storefleet API against the current kube context. With no reachable
// cluster it starts the local test cluster first (and says so), installs the platform's base
// manifests and imports the provisioner image.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DEV_TOKEN, needsDevToken } from './dev-token.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] }).trim();

const tools = run('bash', ['cluster/tools.sh']);
const kubectl = path.join(tools, 'kubectl');
const env = { ...process.env };
const reachable = spawnSync(kubectl, ['get', '--raw', '/readyz'], { env, stdio: 'ignore', timeout: 10_000 }).status === 0;

if (!reachable) {
  console.error('storefleet: no reachable Kubernetes in the current context; starting the local test cluster (cluster/up.sh).');
  env.KUBECONFIG = run('bash', ['cluster/up.sh']);
  console.error(`storefleet: using the local cluster (KUBECONFIG=${env.KUBECONFIG}); importing the provisioner image.`);
  const helmImage = 'storefleet.local/helm-tools:dev';
  run('bash', ['cluster/image.sh', 'build', helmImage, 'cluster/images/helm-tools/Dockerfile', tools], env);
  run('bash', ['cluster/image.sh', 'build', 'storefleet.local/provisioner:dev', 'Dockerfile.provisioner', '.',
    '--build-arg', 'BASE_IMAGE=storefleet.local/base:1', '--build-arg', `HELM_IMAGE=${helmImage}`], env);
  if (!env.STOREFLEET_PLATFORM_VALUES) {
    // The bundled cluster cannot pull the official images: stores run on ones built here from
    // Debian 13 packages, with WooCommerce from ../shared/vendor or wordpress.org (cached).
    console.error('storefleet: building the store images from Debian packages (about 4 min the first time, seconds after).');
    const { buildStoreImages, debianVersions } = await import('../cluster/test/store-images.ts');
    const { shopPlatform } = await import('../cluster/test/shop-platform.ts');
    const images = buildStoreImages();
    const shop = shopPlatform();
    Object.assign(env, shop.env);
    console.error(`storefleet: WordPress image ${debianVersions(images.image.wordpress)}`);
    console.error(`storefleet: MariaDB image ${debianVersions(images.image.mariadb)}`);
    console.error(`storefleet: WooCommerce ${images.woocommerce.version} (sha256 ${images.woocommerce.sha256.slice(0, 12)}…), required: a store without it fails.`);
    console.error(`storefleet: shops open at http://<store>.localhost:${shop.port}/ through Traefik.`);
  }
  // Room admission on the bundled cluster: kept for CoreDNS (100m) and the provisioner Jobs
  // the queue runs at once (5 x 50m); the rest of the node's 2 CPUs goes to stores.
  env.STOREFLEET_ROOM_RESERVE ??= 'cpu=400m,memory=1Gi';
  // Its DNS runs on the node, not as kube-dns pods: the store NetworkPolicies must name it.
  for (const [key, value] of Object.entries(JSON.parse(run('bash', ['cluster/network-env.sh'])))) env[key] ??= value;
}
run(kubectl, ['apply', '-k', 'k8s/base'], env);

if (needsDevToken(env)) {
  env.STOREFLEET_DEV_TOKEN = DEV_TOKEN;
  console.error(`storefleet: no tokens configured; use "Authorization: Bearer ${DEV_TOKEN}" (tenant dev, admin).`);
}
const main = path.join(root, 'api/src/main.ts');
if (!existsSync(main)) throw new Error('api/src/main.ts is missing');
const child = spawn(process.execPath, [main, ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
