import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfterMs } from '@wirehook/contracts/events';
import { traceHeadersOf, type PublishOptions } from './trace-options';
import { prepareEvent, type WebhookEvent } from './webhook-event';

/** An event published over HTTP: the API key that publishes it is its source. */
export type HttpWebhookEvent = Omit<WebhookEvent, 'source'>;

/** Where config-api answers and how patiently to retry. */
export interface HttpEventPublisherOptions {
  /** config-api's address, the part before `/api/v1`, e.g. `https://wirehook.internal`. */
  baseUrl: string;
  /** An `admin` API key of the tenant the events belong to. */
  apiKey: string;
  /** Attempts in all before a 429, a 502-504 or a network error is given up on; default 6. */
  maxAttempts?: number;
  /** Wait before the second attempt, doubled for each further one (with jitter); default 200 ms. */
  initialBackoffMs?: number;
  /** Longest wait between two attempts, a `Retry-After` included; default 10 s. */
  maxBackoffMs?: number;
  /** How long one request may take before it counts as a network error; default 10 s. */
  requestTimeoutMs?: number;
}

export interface HttpPublishResult {
  eventId: string;
  /** True when the platform already had an event with this id (an earlier attempt got through). */
  duplicate: boolean;
  /** Requests it took, retries included. */
  attempts: number;
}

/**
 * config-api refused the event, or could not be reached within the attempts. `status` and `code`
 * are the API's (`validation_failed`, `unauthorized`, ...); without an answer `status` is
 * undefined and `code` is `network_error`.
 */
export class HttpPublishError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly code: string,
    readonly attempts: number,
    readonly fields?: Record<string, string[]>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HttpPublishError';
  }
}

/** Statuses worth another attempt: the API or a proxy in front of it is busy or briefly away. */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const EVENTS_PATH = '/api/v1/events';

interface ApiErrorBody {
  error?: { code?: unknown; message?: unknown; fields?: Record<string, string[]> };
}

type Outcome =
  | { accepted: true; eventId: string; duplicate: boolean }
  | { accepted: false; retryable: boolean; retryAfterMs?: number; failure: (attempts: number) => HttpPublishError };

/**
 * Publishes events through config-api's `POST /api/v1/events`, for services without a NATS
 * connection. The event is validated and given its id and timestamp once; every attempt sends
 * it with that id as `Idempotency-Key`, so a retry after a lost answer publishes it once. A 429,
 * 502, 503, 504, a timeout or a network error is retried with exponential backoff (honouring
 * `Retry-After`); any other refusal fails at once with the API's message.
 */
export class HttpEventPublisher {
  private readonly endpoint: string;
  private readonly maxAttempts: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: HttpEventPublisherOptions) {
    this.endpoint = new URL(EVENTS_PATH, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).toString();
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 6);
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  }

  /**
   * Publishes one event for the API key's tenant; resolves once JetStream stored it. `options`
   * may carry the publishing operation's trace context, sent as the `traceparent` and
   * `tracestate` HTTP headers (config-api continues the trace).
   */
  async publish(event: HttpWebhookEvent, options?: PublishOptions): Promise<HttpPublishResult> {
    const message = prepareEvent(event);
    const body = JSON.stringify(message);
    const trace = Object.fromEntries(traceHeadersOf(options));
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.send(body, message.id, trace);
      if (outcome.accepted) return { eventId: outcome.eventId, duplicate: outcome.duplicate, attempts: attempt };
      if (!outcome.retryable || attempt >= this.maxAttempts) throw outcome.failure(attempt);
      await sleep(this.backoffMs(attempt, outcome.retryAfterMs));
    }
  }

  /** Full-jitter exponential backoff, never shorter than the server's `Retry-After`, capped. */
  private backoffMs(attempt: number, serverAsks = 0): number {
    const exponential = this.initialBackoffMs * 2 ** (attempt - 1);
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    return Math.min(this.maxBackoffMs, Math.max(jittered, serverAsks));
  }

  private async send(body: string, idempotencyKey: string, trace: Record<string, string>): Promise<Outcome> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { ...trace, authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body,
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      return {
        accepted: false,
        retryable: true,
        failure: (attempts) =>
          new HttpPublishError(`could not reach ${this.endpoint} (${attempts} attempts): ${reason}`, undefined, 'network_error', attempts, undefined, {
            cause: error,
          }),
      };
    }
    const text = await response.text();
    if (response.status === 202) {
      const { data } = JSON.parse(text) as { data: { event_id: string; duplicate: boolean } };
      return { accepted: true, eventId: data.event_id, duplicate: data.duplicate };
    }
    let error: ApiErrorBody['error'];
    try {
      error = (JSON.parse(text) as ApiErrorBody).error;
    } catch {
      // Not the API's error format (a proxy's page, for instance): report the status alone.
    }
    const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
    const detail = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
    const retryable = RETRYABLE_STATUSES.has(response.status);
    return {
      accepted: false,
      retryable,
      retryAfterMs: parseRetryAfterMs(response.headers.get('retry-after')),
      failure: (attempts) =>
        new HttpPublishError(
          retryable
            ? `wirehook did not take the event after ${attempts} attempts (${response.status} ${code}): ${detail}`
            : `wirehook refused the event (${response.status} ${code}): ${detail}`,
          response.status,
          code,
          attempts,
          error?.fields,
        ),
    };
  }
}
