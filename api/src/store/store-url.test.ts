// The URL the API gives a store is the one its WordPress is set up with: https exactly when
// the platform's chart values turn TLS on (the prod overlay), checked against the chart
// rendered by the real Helm with the values the API would send.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { V1Deployment, V1Namespace } from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { chartDir, helm } from '../../../chart/test/render.ts';
import { buildStoreValues } from '../provisioning/job.ts';
import { servesTls, shopAddress, storeUrl } from './store-url.ts';
import { toStoreView } from './view.ts';

const repoRoot = path.resolve(chartDir, '..');
const spec = { plan: 'small' as const, host: 'shop1.shops.example.com', title: 'Shop 1', adminEmail: 'admin@shop1.shops.example.com' };
const dir = mkdtempSync(path.join(tmpdir(), 'store-url-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** STOREFLEET_PLATFORM_VALUES as an overlay configures it. */
function overlayPlatformValues(overlay: 'local' | 'prod'): Record<string, unknown> {
  const kustomization = readFileSync(path.join(repoRoot, `k8s/overlays/${overlay}/kustomization.yaml`), 'utf8');
  return JSON.parse(/STOREFLEET_PLATFORM_VALUES=(.*)$/m.exec(kustomization)![1]!);
}

/** WP_HOME of the store's WordPress as the chart renders it from these platform values. */
function wordpressHome(platformValues: Record<string, unknown>): string {
  const file = path.join(dir, `${Object.keys(platformValues).length}-${servesTls(platformValues)}.json`);
  writeFileSync(file, JSON.stringify(buildStoreValues('shop1', spec, platformValues)));
  const result = helm('template', 'shop1', chartDir, '-f', file, '--show-only', 'templates/wordpress-deployment.yaml');
  expect(result.status, result.stderr).toBe(0);
  const deployment = k8s.loadYaml<V1Deployment>(result.stdout);
  const extra = deployment.spec!.template.spec!.containers[0]!.env!.find((e) => e.name === 'WORDPRESS_CONFIG_EXTRA')!.value!;
  return /define\('WP_HOME', '([^']+)'\)/.exec(extra)![1]!;
}

const storeNamespace: V1Namespace = {
  metadata: {
    name: 'store-shop1', uid: 'u1', creationTimestamp: new Date('2026-01-01T00:00:00Z'),
    labels: { 'app.kubernetes.io/managed-by': 'storefleet', 'storefleet.io/store': 'shop1', 'storefleet.io/tenant': 'alice' },
    annotations: { 'storefleet.io/spec': JSON.stringify(spec) },
  },
};

describe('a store URL', () => {
  it.each([['prod', 'https'], ['local', 'http']] as const)('with the %s overlay\'s platform values is %s, as WordPress\'s WP_HOME', (overlay, scheme) => {
    const values = overlayPlatformValues(overlay);
    const url = toStoreView(storeNamespace, [], [], undefined, shopAddress(values)).url;
    expect(url).toBe(`${scheme}://${spec.host}/`);
    expect(`${wordpressHome(values)}/`).toBe(url);
  });

  it('carries the ingress port when the platform values name one (a laptop cluster\'s Traefik), as WP_HOME does', () => {
    const values = { ingress: { port: 8081 } };
    expect(shopAddress(values)).toEqual({ tls: false, port: 8081 });
    const url = toStoreView(storeNamespace, [], [], undefined, shopAddress(values)).url;
    expect(url).toBe(`http://${spec.host}:8081/`);
    expect(`${wordpressHome(values)}/`).toBe(url);
    expect(storeUrl('a.localhost', shopAddress({ ingress: { port: '8081' } }))).toBe('http://a.localhost/');
  });

  it('is http unless TLS is turned on with a real true', () => {
    expect(servesTls({})).toBe(false);
    expect(servesTls({ ingress: { tls: { enabled: false } } })).toBe(false);
    expect(servesTls({ ingress: { tls: { enabled: 'true' } } })).toBe(false);
    expect(servesTls({ ingress: { tls: { enabled: true } } })).toBe(true);
  });
});
