// Follows a token file (a mounted Secret, which the kubelet swaps in place when it changes):
// a rotated or removed token stops working within one poll, and its open streams end. A file
// that does not parse leaves the tokens as they were, and says so.
import { unwatchFile, watchFile } from 'node:fs';
import type { Logger } from '../observability/logger.ts';
import type { TokenEntry, TokenRegistry } from './auth.ts';

export function watchTokenFile(file: string, intervalMs: number, read: () => TokenEntry[], registry: TokenRegistry, logger: Logger): () => void {
  // watchFile polls stat(), which follows the Secret volume's symlinks; fs.watch would lose them.
  const changed = () => {
    try {
      const tokens = read();
      registry.replace(tokens);
      logger.info({ file, tokens: tokens.length }, 'tokens reloaded');
    } catch (error) {
      logger.error({ err: error, file }, 'token file not reloaded; the previous tokens stay in force');
    }
  };
  watchFile(file, { interval: intervalMs, persistent: false }, changed);
  return () => unwatchFile(file, changed);
}
