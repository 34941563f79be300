// The API's Redis client (shared rate-limit budgets). The password comes on its own, from a
// Secret, so REDIS_URL can sit in a ConfigMap.
import { Redis } from 'ioredis';

export interface RedisSettings {
  url: string;
  password?: string;
}

export function connectRedis({ url, password }: RedisSettings): Redis {
  return new Redis(url, { maxRetriesPerRequest: 2, ...(password ? { password } : {}) });
}
