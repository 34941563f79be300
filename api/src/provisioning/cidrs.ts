// IPv4 CIDR lists from configuration (the cluster's own ranges, its DNS servers), checked at
// start so a typo never reaches the apiserver as a NetworkPolicy it refuses at create time.
import { z } from 'zod';

/** The private, shared and link-local ranges every pod, service and node CIDR lives in (and cloud metadata). */
export const PRIVATE_CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

/** Whether the address is the first of its block (the apiserver wants network addresses). */
function isNetworkAddress(cidr: string): boolean {
  const [address = '', bits = '0'] = cidr.split('/');
  const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  return value % 2 ** (32 - Number(bits)) === 0;
}

const cidr = z.cidrv4({ error: (issue) => `${String(issue.input)} is not an IPv4 CIDR` })
  .refine(isNetworkAddress, { error: (issue) => `${String(issue.input)} has host bits set: give its network address` })
  // An ipBlock's except entries must lie strictly inside 0.0.0.0/0.
  .refine((value) => !value.endsWith('/0'), { error: 'a /0 would cover everything' });

/** Parses "a/n, b/m" into a list; names the variable and the bad entry when it fails. */
export function parseCidrs(text: string, variable: string): string[] {
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const parsed = z.array(cidr).safeParse(entries);
  if (!parsed.success) throw new Error(`${variable}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}
