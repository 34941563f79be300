// Kubernetes resource quantities ("100m", "1.5", "256Mi", "2G") as plain numbers, for
// comparing sizes; cpu in cores, memory and storage in bytes.
const SUFFIXES: Record<string, number> = {
  m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40,
};

export function parseQuantity(quantity: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!match) throw new Error(`not a Kubernetes quantity: "${quantity}"`);
  return Number(match[1]) * SUFFIXES[match[2] ?? '']!;
}
