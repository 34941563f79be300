// What a user asks for when creating or changing a store, and its stable hash (the create
// lock compares hashes: same tenant + same spec → the existing store is the answer).
import { createHash } from 'node:crypto';
import type { StoreSpec } from '../../../contract/schemas.ts';

export type { StoreSpec };

export function specHash(spec: StoreSpec): string {
  const canonical = JSON.stringify(spec, Object.keys(spec).sort());
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
