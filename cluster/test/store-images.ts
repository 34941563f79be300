// The real store images (WordPress on Apache + PHP, MariaDB), built from Debian packages by
// cluster/store-images.sh, and the chart values that select them. Usable from tests
// (vitest) and from plain scripts such as `npm start`.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const clusterDir = path.resolve(import.meta.dirname, '..');

/** The image names from cluster/images/store/versions.env: one source of truth. */
function imageRef(key: 'STORE_WORDPRESS_IMAGE' | 'STORE_MARIADB_IMAGE'): { repository: string; tag: string } {
  const env = readFileSync(path.join(clusterDir, 'images/store/versions.env'), 'utf8');
  const ref = new RegExp(`^${key}=(\\S+)$`, 'm').exec(env)?.[1];
  if (!ref) throw new Error(`${key} is missing from cluster/images/store/versions.env`);
  const colon = ref.lastIndexOf(':');
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}

/**
 * Chart values that run a store on the real images (pass them as STOREFLEET_PLATFORM_VALUES
 * or `helm -f`). The test image is the cluster's busybox base image (sh + wget).
 */
export const STORE_IMAGE_VALUES = {
  image: {
    wordpress: imageRef('STORE_WORDPRESS_IMAGE'),
    mariadb: imageRef('STORE_MARIADB_IMAGE'),
    test: { repository: 'storefleet.local/base', tag: '1' },
  },
};

export interface ImportTarget {
  /** Docker container id of a @testcontainers/k3s node; unset = this machine's containerd. */
  k3sContainerId?: string;
}

/**
 * Builds the WordPress and MariaDB images (cached under $STOREFLEET_CACHE: a few minutes
 * once, seconds after) and imports them into the cluster's containerd; returns the values
 * that select them. Progress goes to stderr.
 */
export function buildStoreImages({ k3sContainerId }: ImportTarget = {}): typeof STORE_IMAGE_VALUES {
  const script = path.join(clusterDir, 'store-images.sh');
  const stdio: ['ignore', 'pipe', 'inherit'] = ['ignore', 'pipe', 'inherit'];
  if (k3sContainerId) {
    const images = execFileSync('bash', [script, 'build'], { encoding: 'utf8', stdio }).trim().split('\n');
    for (const image of images) {
      execFileSync('sh', ['-c', 'docker save "$0" | docker exec -i "$1" ctr -n k8s.io images import -', image, k3sContainerId], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  } else {
    execFileSync('bash', [script, 'import'], { encoding: 'utf8', stdio });
  }
  return STORE_IMAGE_VALUES;
}
