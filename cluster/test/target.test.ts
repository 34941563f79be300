import { describe, expect, it } from 'vitest';
import { chooseClusterKind } from './target.ts';

describe('chooseClusterKind', () => {
  const noK3s = () => false;

  it('uses an explicit choice even when KUBECONFIG is set', () => {
    expect(chooseClusterKind({ STOREFLEET_TEST_CLUSTER: 'local', KUBECONFIG: '/k' }, noK3s)).toBe('local');
  });

  it('prefers an existing cluster from KUBECONFIG', () => {
    expect(chooseClusterKind({ KUBECONFIG: '/k' }, () => true)).toBe('kubeconfig');
  });

  it('uses k3s in Docker only when its image is there', () => {
    expect(chooseClusterKind({}, () => true)).toBe('k3s');
    expect(chooseClusterKind({}, noK3s)).toBe('local');
  });

  it('rejects an unknown choice by name', () => {
    expect(() => chooseClusterKind({ STOREFLEET_TEST_CLUSTER: 'kind' }, noK3s)).toThrow(/not "kind"/);
  });
});
