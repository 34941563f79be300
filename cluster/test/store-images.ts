// The real store images (WordPress on Apache + PHP, MariaDB), built from Debian packages by
// cluster/store-images.sh, the WooCommerce zip's image (cluster/woocommerce-source.sh), and
// the chart values that select them. Usable from tests (vitest) and from plain scripts such
// as `npm start`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const clusterDir = path.resolve(import.meta.dirname, '..');

type StoreEnvKey = 'STORE_WORDPRESS_IMAGE' | 'STORE_MARIADB_IMAGE';

/** The image names from cluster/images/store/versions.env: one source of truth. */
function imageRef(key: StoreEnvKey): { repository: string; tag: string } {
  const env = readFileSync(path.join(clusterDir, 'images/store/versions.env'), 'utf8');
  const ref = new RegExp(`^${key}=(\\S+)$`, 'm').exec(env)?.[1];
  if (!ref) throw new Error(`${key} is missing from cluster/images/store/versions.env`);
  const colon = ref.lastIndexOf(':');
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/**
 * Chart values that run a store on the real images (pass them as STOREFLEET_PLATFORM_VALUES
 * or `helm -f`). The test image is the cluster's busybox base image (sh + wget). They do not
 * bring WooCommerce: `storeValues()` adds it.
 */
export const STORE_IMAGE_VALUES = {
  image: {
    wordpress: imageRef('STORE_WORDPRESS_IMAGE'),
    mariadb: imageRef('STORE_MARIADB_IMAGE'),
    test: { repository: 'storefleet.local/base', tag: '1' },
  },
};

/** What cluster/woocommerce-source.sh prints: the zip it shipped and the image holding it. */
export interface WooCommerceSource {
  version: string;
  sha256: string;
  image: { repository: string; tag: string };
  path: string;
}

/** Where the chart's init container puts the zip it copies out of `sourceImage`. */
const SOURCE_DIR = '/opt/woocommerce-source';

export interface StoreValues {
  image: typeof STORE_IMAGE_VALUES.image;
  woocommerce: {
    version: string;
    sha256: string;
    required: true;
    source: string;
    sourceImage: { repository: string; tag: string; path: string };
  };
}

/** The chart values for a store on the real images with WooCommerce from its source image. */
export function storeValuesFor(source: WooCommerceSource): StoreValues {
  return {
    ...STORE_IMAGE_VALUES,
    woocommerce: {
      version: source.version,
      sha256: source.sha256,
      required: true,
      source: `${SOURCE_DIR}/${path.posix.basename(source.path)}`,
      sourceImage: { ...source.image, path: source.path },
    },
  };
}

const stdio: ['ignore', 'pipe', 'inherit'] = ['ignore', 'pipe', 'inherit'];

function woocommerceSource(command: 'build' | 'import'): WooCommerceSource {
  const out = execFileSync('bash', [path.join(clusterDir, 'woocommerce-source.sh'), command], { encoding: 'utf8', stdio });
  return JSON.parse(out.trim()) as WooCommerceSource;
}

let built: StoreValues | undefined;

/**
 * The full chart values for a store on the bundled cluster: the real images and the
 * WooCommerce source image, required (the store's install fails without a working shop).
 * The ones the last `buildStoreImages()` in this process returned; else it asks
 * woocommerce-source.sh (cached: it builds nothing that Docker already has).
 */
export function storeValues(): StoreValues {
  built ??= storeValuesFor(woocommerceSource('build'));
  return built;
}

export interface ImportTarget {
  /** Docker container id of a @testcontainers/k3s node; unset = this machine's containerd. */
  k3sContainerId?: string;
}

/**
 * Builds the WordPress and MariaDB images (cached under $STOREFLEET_CACHE: a few minutes
 * once, seconds after) and the WooCommerce source image, imports them into the cluster's
 * containerd, and returns the values that select them all (`STORE_IMAGE_VALUES` + the
 * `woocommerce` values). Progress, and the Debian versions in the images, go to stderr.
 */
export function buildStoreImages({ k3sContainerId }: ImportTarget = {}): StoreValues {
  const script = path.join(clusterDir, 'store-images.sh');
  if (k3sContainerId) {
    // store-images.sh build prints every image it made, the WooCommerce source's included.
    const images = execFileSync('bash', [script, 'build'], { encoding: 'utf8', stdio }).trim().split('\n');
    for (const image of images) {
      execFileSync('sh', ['-c', 'docker save "$0" | docker exec -i "$1" ctr -n k8s.io images import -', image, k3sContainerId], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    built = storeValuesFor(woocommerceSource('build'));
  } else {
    execFileSync('bash', [script, 'import'], { encoding: 'utf8', stdio });
    built = storeValuesFor(woocommerceSource('import'));
  }
  return built;
}

/** The Debian versions in a built image (its io.storefleet.debian-versions label), for logs. */
export function debianVersions(image: { repository: string; tag: string }): string {
  return execFileSync('docker', ['image', 'inspect', '-f', '{{index .Config.Labels "io.storefleet.debian-versions"}}', `${image.repository}:${image.tag}`], { encoding: 'utf8', stdio }).trim();
}
