import { describe, expect, it } from 'vitest';
import { logOrNothing } from './operation-records.ts';

describe('a provisioner log as the kubelet answers it', () => {
  it("is nothing when the body is the kubelet's word that it could not read the log", () => {
    expect(logOrNothing('unable to retrieve container logs for containerd://66ca8701b540ef4534da356312f02f09da0ce0d89076ff7c2520b3d1078cb7d3')).toBe('');
    expect(logOrNothing('failed to try resolving symlinks in path "/var/log/pods/x/provisioner/0.log": lstat /var/log/pods/x: no such file or directory\n')).toBe('');
    expect(logOrNothing('failed to open log file "/var/log/pods/x/provisioner/0.log": open /var/log/pods/x/provisioner/0.log: no such file or directory')).toBe('');
  });

  it('is kept whole when it is a log, even one that quotes such an error', () => {
    const log = '{"step":"install","status":"started"}\nunable to retrieve container logs for containerd://abc\n';
    expect(logOrNothing(log)).toBe(log);
    expect(logOrNothing('{"step":"install","status":"started"}\n')).toBe('{"step":"install","status":"started"}\n');
    expect(logOrNothing('')).toBe('');
  });
});
