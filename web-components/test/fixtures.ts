// Store views as the API sends them, for component tests.
import type { StoreView } from '../src/api/types.ts';

export function storeView(name: string, overrides: Partial<StoreView> = {}): StoreView {
  return {
    name,
    uid: `uid-${name}`,
    tenant: 'alice',
    spec: { plan: 'small', host: `${name}.shops.test`, title: name, adminEmail: `admin@${name}.shops.test` },
    url: `http://${name}.shops.test/`,
    createdAt: new Date(Date.now() - 3 * 3600_000).toISOString(),
    state: { phase: 'Ready', reason: 'InstallSucceeded', message: 'The store is ready.', since: new Date().toISOString() },
    ...overrides,
  };
}

export const PLANS = [
  { name: 'small', cpu: '4', memory: '4Gi', storage: '2Gi' },
  { name: 'medium', cpu: '6', memory: '8Gi', storage: '10Gi' },
  { name: 'large', cpu: '8', memory: '16Gi', storage: '40Gi' },
];
