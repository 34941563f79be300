// What a platform serving real shops on the bundled cluster is configured with: the store
// images with WooCommerce (store-images.ts), each store's Ingress on Traefik at the port the
// host opens shops on, and the address pods reach Traefik at, so a change is done only once
// its shop opens there (the provisioner's shop check). `npm start` and the shop suites use it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { storeValues } from './store-images.ts';

const clusterDir = path.resolve(import.meta.dirname, '..');

interface IngressSettings { className: string; port: number; checkAddress: string }

export function shopPlatform() {
  const ingress = JSON.parse(execFileSync('bash', [path.join(clusterDir, 'ingress-env.sh')], { encoding: 'utf8' })) as IngressSettings;
  const values = { ...storeValues(), ingress: { className: ingress.className, port: ingress.port } };
  return {
    /** The port shops open on from this host: http://<store>.localhost:<port>/. */
    port: ingress.port,
    values,
    /** The API's settings for it. */
    env: {
      STOREFLEET_PLATFORM_VALUES: JSON.stringify(values), STOREFLEET_SHOP_CHECK_ADDRESS: ingress.checkAddress,
      // WordPress, its database and WooCommerce's setup on 2 shared cores: the API's default.
      STOREFLEET_HELM_TIMEOUT_SECONDS: '300',
    },
  };
}
