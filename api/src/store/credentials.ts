// The store's credentials Secret: made by the platform with random values before the
// install Job runs; the chart only ever names it (existingSecret) and mounts it as files.
import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';

const WORDPRESS_SALTS = [
  'auth-key', 'secure-auth-key', 'logged-in-key', 'nonce-key',
  'auth-salt', 'secure-auth-salt', 'logged-in-salt', 'nonce-salt',
].map((name) => `wordpress-${name}`);

export const CREDENTIAL_KEYS = [
  'mariadb-root-password', 'mariadb-password', 'wordpress-admin-password', ...WORDPRESS_SALTS,
] as const;

export type RandomSource = (bytes: number) => Buffer;

/** 24 random bytes as URL-safe base64 per key: 192 bits, no quoting trouble in shells. */
export function buildCredentialsSecret(name: string, random: RandomSource = randomBytes): V1Secret {
  const stringData = Object.fromEntries(CREDENTIAL_KEYS.map((key) => [key, random(24).toString('base64url')]));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    type: 'Opaque',
    stringData,
  };
}
