// Store views as the API sends them, for component tests.
import type { Capacity, StoreView } from '../src/api/types.ts';

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

const amount = (cpuMilli: number, mib: number, cpu: string, memory: string) => ({ cpuMilli, memoryBytes: mib * 2 ** 20, cpu, memory });

/** GET /capacity as an admin sees it on a full 2-CPU node. */
export const ADMIN_CAPACITY: Capacity = {
  tracked: true,
  allocatable: amount(2000, 24_576, '2 CPU', '24 GiB'),
  reserve: amount(400, 1024, '400m CPU', '1 GiB'),
  forStores: amount(1600, 23_552, '1.6 CPU', '23 GiB'),
  used: amount(1500, 3456, '1.5 CPU', '3.4 GiB'),
  free: amount(100, 20_096, '100m CPU', '19.6 GiB'),
  storesByPlan: { small: 6, medium: 0, large: 0 },
  waitingForRoom: 2,
  perStore: { small: amount(250, 576, '250m CPU', '576 MiB'), medium: amount(550, 1088, '550m CPU', '1.1 GiB'), large: amount(1100, 2176, '1.1 CPU', '2.1 GiB') },
};
