import { gzipSync } from 'node:zlib';
import type { V1Job, V1Namespace } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildIntent, intentAnnotations, readIntent } from './intent.ts';
import { decodeRelease, toRevision } from './revisions.ts';
import { latestJob, toStoreView } from './view.ts';

const spec = { plan: 'small', host: 'hb1.localhost', title: 'hb1', adminEmail: 'a@hb1.localhost' };
const namespace = (uid: string, annotations: Record<string, string> = {}): V1Namespace => ({
  metadata: {
    name: 'store-hb1', uid, creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    labels: { 'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/store': 'hb1', 'storefleet.io/tenant': 'alice' },
    annotations: { 'storefleet.io/spec': JSON.stringify(spec), ...annotations },
  },
});
const job = (name: string, seq: number, storeUid: string | undefined, operation = 'install', complete = true): V1Job => ({
  metadata: {
    name, creationTimestamp: new Date('2026-01-01T00:01:00Z'),
    labels: { 'storefleet.io/store': 'hb1', 'storefleet.io/operation': operation, 'storefleet.io/seq': String(seq), ...(storeUid ? { 'storefleet.io/store-uid': storeUid } : {}) },
  },
  status: complete ? { conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: new Date('2026-01-01T00:02:00Z') }] } : {},
});

describe('a store name used again', () => {
  const earlier = [job('hb1-install-1', 1, 'old'), job('hb1-uninstall-2', 2, 'old', 'uninstall')];

  it('never takes the Jobs of the earlier store as its own', () => {
    const fresh = namespace('new', intentAnnotations(buildIntent('hb1', 'install', 3)));
    expect(latestJob(earlier, fresh)).toBeUndefined();
    const view = toStoreView(fresh, earlier, []);
    expect(view).toMatchObject({ uid: 'new', state: { phase: 'Provisioning', reason: 'Pending', operation: { job: 'hb1-install-3' } } });
  });

  it('follows its own Jobs once they exist', () => {
    const fresh = namespace('new', { ...intentAnnotations(buildIntent('hb1', 'install', 3)), 'storefleet.io/operation-started': 'hb1-install-3' });
    const view = toStoreView(fresh, [...earlier, job('hb1-install-3', 3, 'new')], []);
    expect(view.state).toMatchObject({ phase: 'Ready', operation: { job: 'hb1-install-3' } });
  });

  it('ignores Jobs without an incarnation label', () => {
    expect(latestJob([job('hb1-install-1', 1, undefined)], namespace('new'))).toBeUndefined();
  });
});

describe('bad data in the cluster', () => {
  it('shows a store whose spec annotation is missing or broken as Unknown, with a reason', () => {
    for (const broken of [undefined, '{not json', '{}']) {
      const ns = namespace('u1');
      if (broken === undefined) delete ns.metadata!.annotations!['storefleet.io/spec'];
      else ns.metadata!.annotations!['storefleet.io/spec'] = broken;
      const view = toStoreView(ns, [], []);
      expect(view.state.phase).toBe('Unknown');
      expect(view.state.message).toMatch(/cannot be read/);
      expect(view.spec).toBeUndefined();
    }
  });

  it('shows a store without a tenant label as Unknown', () => {
    const ns = namespace('u1');
    delete ns.metadata!.labels!['storefleet.io/tenant'];
    expect(toStoreView(ns, [], []).state.phase).toBe('Unknown');
  });

  it('reads no intent from an annotation it did not write', () => {
    expect(readIntent(namespace('u1', { 'storefleet.io/operation': '{"job":1}' }))).toBeUndefined();
    expect(readIntent(namespace('u1', { 'storefleet.io/operation': 'garbage' }))).toBeUndefined();
  });
});

describe('Helm release history', () => {
  const release = {
    version: 2,
    info: { status: 'superseded', last_deployed: '2026-01-02T03:04:05Z', description: 'Upgrade complete' },
    config: { plan: 'medium', store: { title: 'Shop', adminEmail: 'a@b.c' }, ingress: { host: 'hb1.localhost' } },
  };
  // Kubernetes' base64 around Helm's base64 around gzip.
  const secret = {
    metadata: { name: 'sh.helm.release.v1.hb1.v2', labels: { owner: 'helm', name: 'hb1', status: 'superseded', version: '2', modifiedAt: '1767323045' } },
    data: { release: Buffer.from(gzipSync(Buffer.from(JSON.stringify(release))).toString('base64')).toString('base64') },
  };

  it('decodes the release payload without Helm', () => {
    expect(decodeRelease(secret)?.config?.plan).toBe('medium');
  });

  it('gives number, status, plan, time and the settings of the revision', () => {
    expect(toRevision(secret)).toEqual({
      revision: 2, status: 'superseded', plan: 'medium', updatedAt: '2026-01-02T03:04:05.000Z', description: 'Upgrade complete',
      spec: { plan: 'medium', host: 'hb1.localhost', title: 'Shop', adminEmail: 'a@b.c' },
    });
  });

  it('still lists a revision whose payload cannot be read', () => {
    expect(toRevision({ ...secret, data: { release: 'garbage' } })).toMatchObject({ revision: 2, status: 'superseded' });
  });
});
