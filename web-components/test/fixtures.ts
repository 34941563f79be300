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

const amount = (cpuMilli: number, mib: number) => ({
  cpuMilli, memoryBytes: mib * 2 ** 20, cpu: cpuMilli % 1000 === 0 ? `${cpuMilli / 1000} CPU` : `${cpuMilli}m CPU`, memory: mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`,
});

/** GET /capacity as an admin sees it on a full 2-CPU node. */
export const ADMIN_CAPACITY: Capacity = {
  tracked: true,
  allocatable: amount(2000, 24_576),
  reserve: amount(400, 1024),
  forStores: amount(1600, 23_552),
  used: amount(1500, 3456),
  free: amount(100, 20_096),
  storesByPlan: { small: 6, medium: 0, large: 0 },
  waitingForRoom: 2,
  perStore: { small: amount(250, 576), medium: amount(550, 1088), large: amount(1100, 2176) },
};
