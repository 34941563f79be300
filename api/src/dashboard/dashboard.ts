// The dashboard at `/`: a static page embedding <store-manager>, and the element's bundle at
// /ui/store-manager.js (built by `npm run build`; where it is found: repo-files.ts).
import { readFile } from 'node:fs/promises';
import Router from '@koa/router';
import { ELEMENT_BUNDLE } from '../repo-files.ts';

const PAGE = new URL('./index.html', import.meta.url);
export const DEFAULT_BUNDLE = ELEMENT_BUNDLE;

// The page loads only its own script and talks only to this API.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function dashboardRouter(bundle: URL = DEFAULT_BUNDLE): Router {
  const router = new Router();
  router.get('/', async (ctx) => {
    ctx.set('Content-Security-Policy', CSP);
    ctx.type = 'html';
    ctx.body = await readFile(PAGE, 'utf8');
  });
  router.get('/ui/store-manager.js', async (ctx) => {
    const code = await readFile(bundle, 'utf8').catch(() => undefined);
    if (code === undefined) {
      ctx.status = 503;
      ctx.type = 'text/javascript';
      ctx.body = 'console.error("storefleet: the element is not built; run npm run build");';
      return;
    }
    ctx.type = 'text/javascript';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = code;
  });
  return router;
}
