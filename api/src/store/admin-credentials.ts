// One-time reveal of a store's WordPress admin password. The Secret is marked as revealed
// with an optimistic-concurrency replace, so two racing reveals cannot both see it.
import type { CoreV1Api } from '@kubernetes/client-node';
import type { AdminCredentials } from '../../../contract/schemas.ts';
import { HttpError } from '../http/errors.ts';
import { statusCode } from '../kube/clients.ts';
import { credentialsSecretName, storeNamespace } from './names.ts';

export const ADMIN_USER = 'admin';
export const REVEALED_ANNOTATION = 'storefleet.io/admin-password-revealed-at';

/** The credentials as the Secret holds them; the route adds where to log in. */
export type StoredAdminCredentials = Omit<AdminCredentials, 'loginUrl'>;

const alreadyRevealed = () => new HttpError(410, 'already_revealed',
  'The admin password was already shown once. Reset it in wp-admin ("Lost your password?") or with WP-CLI.');

export async function revealAdminPassword(core: CoreV1Api, store: string, now: () => Date = () => new Date()): Promise<StoredAdminCredentials> {
  const namespace = storeNamespace(store);
  const name = credentialsSecretName(store);
  const secret = await core.readNamespacedSecret({ namespace, name });
  if (secret.metadata?.annotations?.[REVEALED_ANNOTATION]) throw alreadyRevealed();
  const encoded = secret.data?.['wordpress-admin-password'];
  if (!encoded) throw new HttpError(409, 'credentials_missing', 'The store has no admin password yet; wait for its install to start.');
  secret.metadata = { ...secret.metadata, annotations: { ...secret.metadata?.annotations, [REVEALED_ANNOTATION]: now().toISOString() } };
  try {
    // resourceVersion from the read: a concurrent reveal makes this a 409 Conflict.
    await core.replaceNamespacedSecret({ namespace, name, body: secret });
  } catch (error) {
    if (statusCode(error) === 409) throw alreadyRevealed();
    throw error;
  }
  return { username: ADMIN_USER, password: Buffer.from(encoded, 'base64').toString('utf8') };
}
