// The address a store is served at. The platform's chart values decide whether its Ingress
// serves TLS (ingress.tls.enabled) and on which port the ingress controller listens
// (ingress.port: a laptop cluster's Traefik on 8081), and the chart's WP_HOME follows the same
// values (chart/templates/_helpers.tpl, store.url): the URL the API shows is the one WordPress uses.
export interface ShopAddress {
  tls: boolean;
  /** 0: the scheme's own port. */
  port: number;
}

export const DEFAULT_SHOP_ADDRESS: ShopAddress = { tls: false, port: 0 };

export function servesTls(platformValues: Record<string, unknown>): boolean {
  const ingress = platformValues.ingress as { tls?: { enabled?: unknown } } | undefined;
  return ingress?.tls?.enabled === true;
}

export function shopAddress(platformValues: Record<string, unknown>): ShopAddress {
  const port = (platformValues.ingress as { port?: unknown } | undefined)?.port;
  return { tls: servesTls(platformValues), port: Number.isInteger(port) && (port as number) > 0 ? (port as number) : 0 };
}

export const storeUrl = (host: string, { tls, port }: ShopAddress) => `${tls ? 'https' : 'http'}://${host}${port ? `:${port}` : ''}/`;
