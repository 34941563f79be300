// A Kubernetes client error in a few words for a log line or /readyz: the apiserver's own
// sentence when it gave one (a 403 names the verb, resource and account), else the network's code.

export function describeKubeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  type Detailed = Error & { code?: unknown; body?: unknown; statusCode?: number; cause?: { code?: string; message?: string } };
  const { code, body, statusCode, cause } = error as Detailed;
  const status = typeof code === 'number' ? code : statusCode;
  if (status !== undefined) {
    const message = statusMessage(body);
    return `HTTP ${status}${message ? `: ${message}` : error.message && !error.message.startsWith('HTTP-Code') ? `: ${error.message}` : ''}`;
  }
  // fetch wraps the network's reason ("fetch failed", cause ECONNREFUSED).
  const network = cause?.code ?? (typeof code === 'string' ? code : undefined);
  if (network) return cause?.message?.includes(network) ? cause.message : network;
  return `${error.message.split('\n')[0]}${cause?.message ? ` (${cause.message})` : ''}`;
}

function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.slice(0, 300) || undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
