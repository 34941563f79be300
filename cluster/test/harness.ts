// Moved to test-support/harness.ts; kept for chart/test/store.cluster.test.ts until it
// imports from there.
export * from '../../test-support/harness.ts';
