// Runs after every cluster test file: a file whose test failed half-way leaves its stores
// behind, and on one 2-core node they would starve every later file of CPU. Said aloud, so a
// file that leaks stores when green is noticed.
import { afterAll, inject } from 'vitest';
import { removeLeftoverStores } from './clean-slate.ts';
import { kubectlBinary } from '../../test-support/harness.ts';

afterAll(() => {
  if (inject('clusterKind') === 'kubeconfig') return;
  const stores = removeLeftoverStores(kubectlBinary(), inject('kubeconfig'));
  if (stores.length > 0) console.log(`[cluster] removed ${stores.length} stores this file left: ${stores.join(', ')}`);
}, 360_000);
