// Which credentials each store pod can read: only the Secret keys it uses, so a WordPress
// pod (the part facing the internet) never holds the database root password, and the
// setup Job holds only what it needs to install WordPress.
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CREDENTIAL_KEYS } from '../../api/src/store/credentials.ts';
import { podSpecs, render } from './render.ts';

const SALTS = ['auth-key', 'secure-auth-key', 'logged-in-key', 'nonce-key', 'auth-salt', 'secure-auth-salt', 'logged-in-salt', 'nonce-salt']
  .map((salt) => `wordpress-${salt}`);

const pods = podSpecs(render({ valuesFiles: ['values-prod.yaml'] }));

/** The Secret keys a pod mounts (undefined: the whole Secret). */
function mountedKeys(spec: k8s.V1PodSpec): string[] | undefined {
  const secrets = (spec.volumes ?? []).filter((volume) => volume.secret);
  if (secrets.length === 0) return [];
  return secrets.some((volume) => !volume.secret!.items) ? undefined : secrets.flatMap((volume) => volume.secret!.items!.map((item) => item.key));
}

/** The credential files a pod's containers read, from their env and commands. */
function readKeys(spec: k8s.V1PodSpec): string[] {
  const text = JSON.stringify([...(spec.initContainers ?? []), ...spec.containers]);
  return [...new Set([...text.matchAll(/\/run\/secrets\/store\/([a-z0-9-]+)/g)].map((match) => match[1]!))].sort();
}

describe('credentials each store pod mounts', () => {
  it.each([
    ['Deployment/shop1-wordpress', ['mariadb-password', ...SALTS]],
    ['Job/shop1-setup', ['mariadb-password', 'wordpress-admin-password']],
    ['StatefulSet/shop1-mariadb', ['mariadb-password', 'mariadb-root-password']],
    ['CronJob/shop1-backup', ['mariadb-root-password']],
    ['CronJob/shop1-restore', ['mariadb-root-password']],
    ['CronJob/shop1-wp-cron', []],
    ['Pod/shop1-test-store-api', []],
  ])('%s mounts exactly %j', (owner, keys) => {
    const pod = pods.find((p) => p.owner === owner);
    expect(pod, owner).toBeDefined();
    expect(mountedKeys(pod!.spec)?.sort()).toEqual([...keys].sort());
  });

  it('every pod mounts exactly the keys it reads, and all of them are keys the platform writes', () => {
    for (const { owner, spec } of pods) {
      expect(mountedKeys(spec)?.sort(), owner).toEqual(readKeys(spec));
      for (const key of readKeys(spec)) expect(CREDENTIAL_KEYS, owner).toContain(key);
    }
  });
});
