// Moved to test-support/port-forward.ts; kept for chart/test/store-http.ts until it imports
// from there.
export * from '../../test-support/port-forward.ts';
