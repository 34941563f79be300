// The address a store is served at. The platform's chart values decide whether its Ingress
// serves TLS (ingress.tls.enabled), and the chart's WP_HOME follows the same value
// (chart/templates/_helpers.tpl, store.url): the URL the API shows is the one WordPress uses.
export function servesTls(platformValues: Record<string, unknown>): boolean {
  const ingress = platformValues.ingress as { tls?: { enabled?: unknown } } | undefined;
  return ingress?.tls?.enabled === true;
}

export const storeUrl = (host: string, tls: boolean) => `${tls ? 'https' : 'http'}://${host}/`;
