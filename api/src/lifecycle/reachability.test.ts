import { describe, expect, it } from 'vitest';
import { observeProbe, type ProbeResult, type Reachability, UNPROBED } from './reachability.ts';

const rules = { failAfter: 2 };
const up: ProbeResult = { ok: true };
const down: ProbeResult = { ok: false, reason: 'https://10.0.0.1:6443: ECONNREFUSED' };
const run = (results: ProbeResult[], from: Reachability = UNPROBED) => results.reduce((state, result) => observeProbe(state, result, rules), from);

describe('observeProbe', () => {
  it('is not reachable before the first answer, and is after it', () => {
    expect(UNPROBED.ok).toBe(false);
    expect(run([up])).toEqual({ ok: true, failures: 0 });
  });

  it('stays unreachable when the cluster never answered, from the first failure', () => {
    expect(run([down])).toMatchObject({ ok: false, reason: 'kube-apiserver: https://10.0.0.1:6443: ECONNREFUSED' });
  });

  it('forgives one lost probe, and turns unreachable at the second in a row', () => {
    expect(run([up, down])).toMatchObject({ ok: true, failures: 1 });
    expect(run([up, down, up, down])).toMatchObject({ ok: true, failures: 1 });
    expect(run([up, down, down])).toMatchObject({ ok: false, failures: 2, reason: expect.stringContaining('ECONNREFUSED') });
    expect(run([up, down, down, down])).toMatchObject({ ok: false, failures: 3 });
  });

  it('keeps one reason however long the outage lasts, so the change is logged once', () => {
    expect(run([up, down, down]).reason).toBe(run([up, down, down, down, down]).reason);
  });

  it('comes back at the first answer', () => {
    expect(run([up, down, down, down, up])).toEqual({ ok: true, failures: 0 });
  });
});
