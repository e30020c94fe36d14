import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The label of requests no route matched (404s of unknown paths): raw paths would be unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Static files served outside the router (the OpenAPI UI's assets) share one label. */
const STATIC_PREFIXES = ['/api/docs'];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route template a request matched (`/api/v1/webhooks/:id`), never its raw path, so the
 * label stays bounded whatever clients send.
 */
export function routeLabel(request: Request): string {
  const route = (request as Request & { route?: { path?: unknown } }).route;
  if (typeof route?.path === 'string') return `${request.baseUrl ?? ''}${route.path}` || '/';
  const path = request.originalUrl.split('?')[0];
  const prefix = STATIC_PREFIXES.find((candidate) => path === candidate || path.startsWith(`${candidate}/`));
  return prefix ? `${prefix}/*` : UNMATCHED_ROUTE;
}

/**
 * `wirehook_http_requests_total` and `wirehook_http_request_duration_seconds` by method, route
 * template and status. An express middleware rather than a Nest interceptor: it records every
 * answer, including those of guards (401, 403), validation (400), body parsing (413) and
 * unknown paths (404), which an interceptor never sees. Install it before anything else.
 */
export function httpMetricsMiddleware(registry: Registry): (request: Request, response: Response, next: NextFunction) => void {
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'wirehook_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'wirehook_http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to the end of its answer, by method, route template and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (request, response, next) => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const labels = { method: METHODS.has(request.method) ? request.method : 'OTHER', route: routeLabel(request), status: String(response.statusCode) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
