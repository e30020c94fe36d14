import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

/** The API's answer types, as the OpenAPI document declares them. */
export type Schemas = components['schemas'];
export type Webhook = Schemas['WebhookView'];
export type AttemptLog = Schemas['AttemptLogResponse'];
export type DeliveryLog = Schemas['DeliveryLogResponse'];
export type LogDetail = Schemas['LogDetailResponse'];
export type LogPagination = Schemas['LogPaginationView'];
export type LogStats = Schemas['LogStatsResponse'];
export type AttemptResult = Schemas['AttemptResultResponse'];
export type RetentionPolicy = Schemas['RetentionPolicyResponse'];
export type Replay = Schemas['ReplayView'];
export type ReplayRequest = Schemas['CreateReplayDto'];
export type Caller = Schemas['CallerView'];
export type ApiRole = Caller['role'];

/** The typed client of the REST API (`/api/v1`), authenticated with one API key. */
export type Api = ReturnType<typeof createClient<paths>>;

/** An answer other than 2xx, with the error envelope's code, message and field problems. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  key: string;
  /** Where the API is; the page's own origin by default. */
  baseUrl?: string;
  /** Tests pass a fake; the browser's fetch otherwise. */
  fetch?: typeof globalThis.fetch;
}

export function createApi({ key, baseUrl = window.location.origin, fetch = globalThis.fetch }: ApiOptions): Api {
  const client = createClient<paths>({ baseUrl, fetch: (request) => fetch(request) });
  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${key}`);
      return request;
    },
  });
  return client;
}

type ErrorEnvelope = Schemas['ErrorEnvelope'];

function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as ErrorEnvelope).error?.message === 'string';
}

/**
 * The body of a successful answer, or an {@link ApiError}: what every page does with an
 * openapi-fetch result. Network failures become status 0.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const retryAfter = Number(response.headers.get('retry-after')) || undefined;
  if (isErrorEnvelope(error)) throw new ApiError(response.status, error.error.code, error.error.message, error.error.fields ?? {}, retryAfter);
  throw new ApiError(response.status, 'unexpected', `The server answered ${response.status}.`, {}, retryAfter);
}
