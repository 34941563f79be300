// One error shape for every failure: { error: { code, message, details? } }. Unexpected
// errors are logged and answered with a generic message; Kubernetes errors are mapped here.
import type { Context, Next } from 'koa';
import { z } from 'zod';
import { clusterUnavailable, namespaceTerminating, statusCode } from '../kube/clients.ts';
import { HostNotAllowed, StoreConflict, StoreNotFound } from '../provisioning/operations.ts';
import { HostTaken } from '../provisioning/host-claims.ts';
import type { Logger } from '../observability/logger.ts';
import { LimitReached } from '../provisioning/slots.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

const KUBERNETES_STATUS: Record<number, [number, string, string]> = {
  403: [502, 'platform_forbidden', 'The platform is not allowed to do this in the cluster; ask its operator.'],
  404: [404, 'not_found', 'Not found.'],
  409: [409, 'conflict', 'The store changed at the same time; try again.'],
  422: [422, 'rejected_by_cluster', 'The cluster rejected the request.'],
};

export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) {
    return new HttpError(400, 'invalid_request', 'The request is not valid.', error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  if (error instanceof StoreNotFound) return new HttpError(404, 'store_not_found', error.message);
  if (error instanceof StoreConflict) return new HttpError(409, 'store_conflict', error.message);
  if (error instanceof HostNotAllowed) return new HttpError(422, 'host_not_allowed', error.message, { allowed: error.allowed });
  if (error instanceof HostTaken) return new HttpError(409, 'host_taken', error.message, { host: error.host });
  if (error instanceof LimitReached) return new HttpError(409, 'store_limit_reached', error.message, { scope: error.scope, limit: error.limit });
  if (clusterUnavailable(error)) {
    // The change may have begun (every change is an intent first): the caller looks, then retries.
    return new HttpError(503, 'cluster_unavailable', 'The cluster is busy or not answering, and the change may have begun: read the store in a moment, then send the request again if it did not.', undefined, { 'Retry-After': '2' });
  }
  // Not the platform's permissions: the store was deleted while this request wrote into it.
  if (namespaceTerminating(error)) return new HttpError(409, 'store_conflict', 'The store is being deleted.');
  const kubeStatus = statusCode(error);
  if (kubeStatus && KUBERNETES_STATUS[kubeStatus]) {
    const [status, code, message] = KUBERNETES_STATUS[kubeStatus];
    return new HttpError(status, code, message);
  }
  // Errors raised by Koa and its body parser carry an HTTP status and a safe message.
  const { status, expose, message } = error as { status?: number; expose?: boolean; message?: string };
  if (status && status >= 400 && status < 500 && expose) {
    const code = status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    return new HttpError(status, code, message ?? 'Bad request.');
  }
  return undefined;
}

export function errorMiddleware(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new HttpError(404, 'route_not_found', `No route for ${ctx.method} ${ctx.path}.`);
    } catch (error) {
      const known = toHttpError(error);
      if (!known) logger.error({ err: error, method: ctx.method, path: ctx.path }, 'unexpected error');
      else if (known.code === 'cluster_unavailable') logger.error({ err: error, method: ctx.method, path: ctx.path }, 'the cluster could not answer');
      const answer = known ?? new HttpError(500, 'internal_error', 'Something went wrong on our side; it has been logged.');
      ctx.status = answer.status;
      ctx.set(answer.headers);
      ctx.body = { error: { code: answer.code, message: answer.message, ...(answer.details === undefined ? {} : { details: answer.details }) } };
    }
  };
}
