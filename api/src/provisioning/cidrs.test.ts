import { describe, expect, it } from 'vitest';
import { parseCidrs } from './cidrs.ts';

describe('parseCidrs', () => {
  it('reads a comma-separated list, ignoring spaces and empty entries', () => {
    expect(parseCidrs(' 10.42.0.0/16, 10.43.0.0/16,,192.168.1.10/32 ', 'X')).toEqual(['10.42.0.0/16', '10.43.0.0/16', '192.168.1.10/32']);
    expect(parseCidrs('', 'X')).toEqual([]);
  });

  it.each([
    ['10.42.0.0', 'not an IPv4 CIDR'],
    ['10.42.0.0/33', 'not an IPv4 CIDR'],
    ['fd00::/8', 'not an IPv4 CIDR'],
    ['10.42.0.1/16', 'host bits set'],
    ['0.0.0.0/0', 'cover everything'],
  ])('refuses %s, naming the variable and the entry', (entry, problem) => {
    expect(() => parseCidrs(`10.0.0.0/8,${entry}`, 'STOREFLEET_CLUSTER_CIDRS')).toThrow(new RegExp(`^STOREFLEET_CLUSTER_CIDRS: .*${problem}`));
  });
});
