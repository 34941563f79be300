import { describe, expect, it } from 'vitest';
import { readTerminationMessage } from './reasons.ts';

describe('a provisioner termination message', () => {
  it('gives its code and keeps the words as they were', () => {
    expect(readTerminationMessage('The store needs more resources than its plan allows; choose a larger plan.\ncode: QuotaExceeded\n'))
      .toEqual({ message: 'The store needs more resources than its plan allows; choose a larger plan.', code: 'QuotaExceeded' });
  });

  it('has no code when it says none, or one the contract does not know', () => {
    expect(readTerminationMessage('The store is ready: install completed.\n')).toEqual({ message: 'The store is ready: install completed.' });
    expect(readTerminationMessage('Helm failed.\ncode: SomethingNew')).toEqual({ message: 'Helm failed.\ncode: SomethingNew' });
  });
});
