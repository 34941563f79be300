// A store's Helm release history, read from the cluster without a Helm binary: Helm keeps one
// Secret per revision in the release's namespace (`sh.helm.release.v1.<release>.v<N>`,
// labelled name/owner/status/version/modifiedAt), its `release` payload base64(gzip(JSON)).
import { gunzipSync } from 'node:zlib';
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { storeNamespace } from './names.ts';
import { isStoreSpec } from './intent.ts';
import type { Revision, StoreSpec } from '../../../contract/schemas.ts';

export type { Revision };

interface HelmRelease {
  version?: number;
  config?: { plan?: string; store?: { title?: string; adminEmail?: string }; ingress?: { host?: string } };
  info?: { status?: string; last_deployed?: string; description?: string };
}

/** Decodes a release Secret's payload (Kubernetes' base64 around Helm's base64 around gzip). */
export function decodeRelease(secret: V1Secret): HelmRelease | undefined {
  const data = secret.data?.release;
  if (!data) return undefined;
  try {
    const helmEncoded = Buffer.from(data, 'base64').toString('utf8');
    return JSON.parse(gunzipSync(Buffer.from(helmEncoded, 'base64')).toString('utf8')) as HelmRelease;
  } catch {
    return undefined;
  }
}

/** The store settings a release was made with, when its values hold all of them. */
export function specOfRelease(release: HelmRelease | undefined): StoreSpec | undefined {
  const config = release?.config;
  const spec = { plan: config?.plan, host: config?.ingress?.host, title: config?.store?.title, adminEmail: config?.store?.adminEmail };
  return isStoreSpec(spec) ? spec : undefined;
}

/** An ISO time, or undefined for anything that is not a date. */
function isoTime(value: string | number | undefined): string | undefined {
  const time = typeof value === 'number' ? value : Date.parse(value ?? '');
  return Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

export function toRevision(secret: V1Secret): Revision {
  const labels = secret.metadata?.labels ?? {};
  const release = decodeRelease(secret);
  const spec = specOfRelease(release);
  const created = secret.metadata?.creationTimestamp ? new Date(secret.metadata.creationTimestamp).getTime() : undefined;
  const updatedAt = isoTime(release?.info?.last_deployed) ?? isoTime(Number(labels.modifiedAt) * 1000) ?? isoTime(created);
  return {
    revision: Number(labels.version ?? release?.version ?? 0),
    status: labels.status ?? release?.info?.status ?? 'unknown',
    ...(spec ? { plan: spec.plan, spec } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(release?.info?.description ? { description: release.info.description } : {}),
  };
}

/** The store's revisions, newest first. */
export async function listRevisions(core: CoreV1Api, store: string): Promise<Revision[]> {
  const secrets = await core.listNamespacedSecret({ namespace: storeNamespace(store), labelSelector: `owner=helm,name=${store}` });
  return secrets.items.map(toRevision).sort((a, b) => b.revision - a.revision);
}
