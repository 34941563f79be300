import { describe, expect, it } from 'vitest';
import { age, ago, nextStep, parseProgress } from './format.ts';

const now = new Date('2026-11-23T12:00:00Z');
const before = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

describe('format', () => {
  it('says how old a store is in the largest whole unit', () => {
    expect([age(before(5), now), age(before(125), now), age(before(3 * 3600 + 59), now), age(before(2 * 86_400), now)])
      .toEqual(['just now', '2 min', '3 h', '2 d']);
    expect([ago(before(5), now), ago(before(125), now)]).toEqual(['just now', '2 min ago']);
  });

  it('names the next step for each kind of failure', () => {
    expect(nextStep({ reason: 'InstallFailed', code: 'QuotaExceeded' })).toMatch(/larger plan/);
    expect(nextStep({ reason: 'InstallFailed', code: 'SettingsRejected' })).toBe('Change the store settings and try again.');
    expect(nextStep({ reason: 'UpgradeFailed', code: 'NotReadyInTime' })).toMatch(/^Try the operation again/);
    expect(nextStep({ reason: 'UpgradeFailed', code: 'ProvisionerForbidden' })).toMatch(/provisioner's permissions/);
    expect(nextStep({ reason: 'PodRefused' })).toMatch(/larger plan/);
    expect(nextStep({ reason: 'InstallFailed', code: 'HelmFailed' })).toMatch(/^Delete the store and create it again/);
    expect(nextStep({ reason: 'InstallFailed' })).toMatch(/^Delete the store and create it again/);
    expect(nextStep({ reason: 'UpgradeFailed' })).toMatch(/^Retry the operation/);
  });

  it('reads provisioner progress lines as JSON and anything else as plain text', () => {
    expect(parseProgress('{"step":"install","status":"started","message":"helm upgrade"}')).toEqual({ step: 'install', status: 'started', message: 'helm upgrade' });
    expect(parseProgress('Release "x" does not exist.')).toEqual({ message: 'Release "x" does not exist.' });
    expect(parseProgress('{"no":"message"}')).toEqual({ message: '{"no":"message"}' });
  });
});
