import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { SecretBox } from '@wirehook/secret-box';
import {
  AttemptErrorCode,
  AttemptTrigger,
  DeliveryStatus,
  REDACTED_HEADER_VALUE,
  TraceHeaders,
  attemptIdOf,
  encodeMessage,
  parkedTaskMessageId,
  retryTaskSubject,
  type AttemptRecordedMessage,
  type DeliveryTaskMessage,
  type EndpointSnapshotMessage,
  type TraceContext,
} from '@wirehook/contracts';
import { JETSTREAM } from '@wirehook/nats';
import { SpanAttributes, SpanNames, Tracing, natsHeadersOf, type TraceSpan } from '@wirehook/tracing';
import { AttemptLogPublisher } from '../attempt-log/attempt-log.publisher';
import { describeUnsuccessfulResponse, judgeAttempt, type AttemptOutcome } from './attempt-outcome';
import { EndpointHealthTracker } from '../health-tracking/endpoint-health.tracker';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';
import { nextRetryDelay, parseDuration } from './retry-schedule';
import { DispatcherConfig } from '../config/dispatcher.config';
import { signWebhook } from '../http-client/signature';
import { OAuth2TokenCache, type OAuth2Credentials, type TokenRequestContext } from '../http-client/oauth2-token-cache';
import { WebhookSender, type EndpointTransport, type SendResult } from '../http-client/webhook-sender';

export const USER_AGENT = 'wirehook/0.1.0 (+https://github.com/wirehook/wirehook)';
/** How long a delivery to a paused endpoint waits before it looks again. */
export const PAUSED_RECHECK_MS = 60_000;

/** What every request to one endpoint sends besides the per-delivery headers. */
interface PreparedHeaders {
  secrets: Array<{ plain: string; expiresAtMs?: number }>;
  /** Custom and auth headers, decrypted. */
  sent: Record<string, string>;
  /** The same names, lower-cased, with {@link REDACTED_HEADER_VALUE} for the attempt record. */
  redacted: Record<string, string>;
  /** The client certificate and proxy of the endpoint, when it has either. */
  transport?: EndpointTransport;
  /** OAuth2 client credentials, when the endpoint's auth is `oauth2`. */
  oauth2?: OAuth2Credentials;
}

/** A short name for a set of values (ciphertexts, settings), to tell one setup from the next. */
function fingerprintOf(...parts: Array<string | undefined>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part ?? '').update('\0');
  return hash.digest('base64url');
}

/** Result of one attempt, for the caller that settles the task message. */
export interface AttemptReport {
  record: AttemptRecordedMessage;
  /** The follow-up task when another automatic attempt was scheduled. */
  retry?: DeliveryTaskMessage;
}

/** The `timestamp` of a delivery body (an event envelope), for tasks that do not carry it. */
export function eventTimestampOf(body: string): string | undefined {
  try {
    const timestamp = (JSON.parse(body) as { timestamp?: unknown }).timestamp;
    return typeof timestamp === 'string' && !Number.isNaN(Date.parse(timestamp)) ? timestamp : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes one delivery attempt: signs and sends the request, records the attempt, and schedules
 * the next one when the failure is worth retrying and the endpoint's schedule allows.
 */
@Injectable()
export class DeliveryService {
  private readonly defaultScheduleMs: number[];
  private readonly throttledRetryMinMs: number;
  /** Decrypted headers by endpoint snapshot; a snapshot replaced in the directory is dropped with it. */
  private readonly prepared = new WeakMap<EndpointSnapshotMessage, PreparedHeaders>();
  private readonly tokens: OAuth2TokenCache;

  constructor(
    config: DispatcherConfig,
    private readonly sender: WebhookSender,
    private readonly secretBox: SecretBox,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: EndpointHealthTracker,
    private readonly metrics: DispatcherMetrics,
    private readonly attemptLog: AttemptLogPublisher,
    private readonly tracing: Tracing,
  ) {
    this.defaultScheduleMs = config.DELIVERY_RETRY_SCHEDULE.map((delay) => parseDuration(delay) as number);
    this.throttledRetryMinMs = config.DELIVERY_THROTTLED_RETRY_MIN_MS;
    this.tokens = new OAuth2TokenCache(sender);
  }

  /**
   * Builds the request headers: Standard Webhooks, the compatibility headers, auth and custom
   * ones. `webhook-timestamp` is this attempt's time (what Standard Webhooks signs);
   * `X-Webhook-Timestamp` is when the event occurred, as the product notes define it. Inside a
   * trace, `traceparent` (and `tracestate`) name the attempt's span as the receiver's parent.
   */
  buildHeaders(
    endpoint: EndpointSnapshotMessage,
    task: DeliveryTaskMessage,
    now: Date,
    trace?: TraceContext,
  ): { headers: Record<string, string>; redacted: Record<string, string> } {
    const prepared = this.preparedHeadersOf(endpoint);
    const timestampSeconds = Math.floor(now.getTime() / 1000);
    const secrets = prepared.secrets.filter((secret) => secret.expiresAtMs === undefined || secret.expiresAtMs > now.getTime()).map((secret) => secret.plain);
    const signature = signWebhook(secrets, task.deliveryId, timestampSeconds, task.body);
    const standard = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': task.deliveryId,
      'webhook-timestamp': String(timestampSeconds),
      'webhook-signature': signature,
      'x-webhook-event': task.eventType,
      'x-webhook-timestamp': task.eventTimestamp ?? eventTimestampOf(task.body) ?? now.toISOString(),
      'x-webhook-signature': signature,
    };
    if (trace !== undefined) {
      const traced: Record<string, string> = standard;
      traced[TraceHeaders.traceparent] = trace.traceparent;
      if (trace.tracestate !== undefined) traced[TraceHeaders.tracestate] = trace.tracestate;
    }
    return { headers: { ...prepared.sent, ...standard }, redacted: { ...standard, ...prepared.redacted } };
  }

  /**
   * An endpoint's secrets and its custom and auth headers, decrypted once per snapshot: every
   * delivery to the endpoint sends the same ones, and a changed endpoint is a new snapshot.
   */
  private preparedHeadersOf(endpoint: EndpointSnapshotMessage): PreparedHeaders {
    let prepared = this.prepared.get(endpoint);
    if (!prepared) {
      const sent: Record<string, string> = {};
      for (const [name, encrypted] of Object.entries(endpoint.encryptedHeaders)) sent[name] = this.secretBox.decrypt(encrypted);
      if (endpoint.auth?.type === 'bearer') sent.authorization = `Bearer ${this.secretBox.decrypt(endpoint.auth.encryptedValue)}`;
      if (endpoint.auth?.type === 'header' && endpoint.auth.headerName)
        sent[endpoint.auth.headerName.toLowerCase()] = this.secretBox.decrypt(endpoint.auth.encryptedValue);
      const redacted = Object.fromEntries(Object.keys(sent).map((name) => [name.toLowerCase(), REDACTED_HEADER_VALUE]));
      const auth = endpoint.auth;
      let oauth2: OAuth2Credentials | undefined;
      if (auth?.type === 'oauth2' && auth.tokenUrl && auth.clientId) {
        redacted.authorization = REDACTED_HEADER_VALUE;
        oauth2 = {
          key: fingerprintOf(auth.tokenUrl, auth.clientId, auth.encryptedValue, auth.scope, auth.audience),
          tokenUrl: auth.tokenUrl,
          clientId: auth.clientId,
          clientSecret: this.secretBox.decrypt(auth.encryptedValue),
          scope: auth.scope,
          audience: auth.audience,
        };
      }
      const tls = endpoint.tlsClient;
      const transport: EndpointTransport | undefined =
        tls || endpoint.encryptedProxyUrl
          ? {
              key: fingerprintOf(tls?.encryptedCertificate, tls?.encryptedPrivateKey, endpoint.encryptedProxyUrl),
              clientCertificate: tls
                ? { cert: this.secretBox.decrypt(tls.encryptedCertificate), key: this.secretBox.decrypt(tls.encryptedPrivateKey) }
                : undefined,
              proxyUrl: endpoint.encryptedProxyUrl ? this.secretBox.decrypt(endpoint.encryptedProxyUrl) : undefined,
            }
          : undefined;
      prepared = {
        secrets: endpoint.secrets.map((secret) => ({
          plain: this.secretBox.decrypt(secret.encrypted),
          expiresAtMs: secret.expiresAt ? Date.parse(secret.expiresAt) : undefined,
        })),
        sent,
        redacted,
        transport,
        oauth2,
      };
      this.prepared.set(endpoint, prepared);
    }
    return prepared;
  }

  /**
   * Makes one attempt, as a span of the delivery's trace: `parent` is the context of the event's
   * fan-out (carried by the task, on every retry too). The endpoint is sent the attempt's context,
   * and so is log-service with the record; a retry carries `parent` on.
   */
  async attempt(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, parent?: TraceContext): Promise<AttemptReport> {
    const span = this.tracing.startSpan(SpanNames.deliveryAttempt, 'client', parent);
    const trace = span.context;
    const startedAt = new Date();
    let result: SendResult;
    let outcome: AttemptOutcome;
    let completedAt: Date;
    let redacted: Record<string, string>;
    try {
      const built = this.buildHeaders(endpoint, task, startedAt, trace);
      redacted = built.redacted;
      this.metrics.attemptStarted(endpoint.id);
      result = await this.send(endpoint, built.headers, task.body);
      completedAt = new Date();
      outcome = judgeAttempt(result);
      if (span.recording) this.describeAttempt(span, endpoint, task, result, outcome);
    } catch (error) {
      span.fail('the attempt could not be made');
      throw error;
    } finally {
      span.end();
    }

    let status: DeliveryStatus = DeliveryStatus.failed;
    let retry: DeliveryTaskMessage | undefined;
    if (outcome.kind === 'success') {
      status = DeliveryStatus.success;
    } else if (outcome.kind === 'retry' && task.trigger === AttemptTrigger.auto) {
      const delay = nextRetryDelay(endpoint.retryScheduleMs ?? this.defaultScheduleMs, task.attempt);
      if (delay !== undefined) {
        status = DeliveryStatus.retrying;
        const throttled = result.response?.status === 429 || result.error?.code === AttemptErrorCode.timeout;
        const minimum = Math.max(outcome.minDelayMs, throttled ? this.throttledRetryMinMs : 0);
        const notBefore = new Date(completedAt.getTime() + Math.max(delay, minimum)).toISOString();
        retry = { ...task, attempt: task.attempt + 1, notBefore };
      }
    }

    const record: AttemptRecordedMessage = {
      tenantId: task.tenantId,
      endpointId: endpoint.id,
      endpointName: endpoint.description,
      endpointUrl: endpoint.url,
      deliveryId: task.deliveryId,
      eventId: task.eventId,
      eventType: task.eventType,
      identifiers: task.identifiers,
      clientId: task.clientId,
      attempt: task.attempt,
      trigger: task.trigger,
      status,
      request: { method: 'POST', url: endpoint.url, headers: redacted, body: task.body },
      response: result.response,
      error: this.errorOf(result),
      durationMs: result.durationMs,
      deliveryCreatedAt: task.createdAt,
      startedAt: startedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      nextAttemptAt: retry?.notBefore,
    };
    if (trace !== undefined) record.traceparent = trace.traceparent;
    // The record is stored before the follow-up is scheduled and before the task is acked, so a
    // crash at any point repeats work (same ids, de-duplicated) instead of losing it.
    await this.attemptLog.recordAttempt(record);
    if (retry) await this.scheduleRetry(retry, attemptIdOf(retry), parent);
    this.metrics.attemptFinished(endpoint.id, status, result.durationMs, retry !== undefined);
    await this.trackHealth(endpoint, task, outcome, completedAt);
    this.logger.debug({ deliveryId: task.deliveryId, attempt: task.attempt, status, durationMs: result.durationMs }, 'attempt finished');
    return { record, retry };
  }

  /**
   * Sends one request to the endpoint. With OAuth2 auth it carries a bearer token from the
   * token cache; when the endpoint answers 401 the token is fetched again once and the request
   * repeated at once, within this attempt (the token may have been revoked or rotated early).
   * The duration is then that of the whole exchange, token requests included.
   */
  private async send(endpoint: EndpointSnapshotMessage, headers: Record<string, string>, body: string): Promise<SendResult> {
    const prepared = this.preparedHeadersOf(endpoint);
    const request = { url: endpoint.url, body, timeoutMs: endpoint.timeoutMs, endpointId: endpoint.id, transport: prepared.transport };
    const credentials = prepared.oauth2;
    if (!credentials) return this.sender.send({ ...request, headers });
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const context: TokenRequestContext = { endpointId: endpoint.id, transport: prepared.transport, timeoutMs: endpoint.timeoutMs, userAgent: USER_AGENT };
    const first = await this.tokens.token(credentials, context);
    if (first.error) return { error: first.error, durationMs: elapsed() };
    const result = await this.sender.send({ ...request, headers: { ...headers, authorization: `Bearer ${first.token}` } });
    if (result.response?.status !== 401) return { ...result, durationMs: elapsed() };
    const fresh = await this.tokens.refresh(credentials, context, first.token);
    if (fresh.error) return { error: fresh.error, durationMs: elapsed() };
    const retried = await this.sender.send({ ...request, headers: { ...headers, authorization: `Bearer ${fresh.token}` } });
    return { ...retried, durationMs: elapsed() };
  }

  /** The attempt's attributes and, unless it succeeded, its error status (a retried failure is one too). */
  private describeAttempt(span: TraceSpan, endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, result: SendResult, outcome: AttemptOutcome): void {
    const status = result.response?.status;
    const errorCode = this.errorOf(result)?.code;
    span.setAttributes({
      [SpanAttributes.tenantId]: task.tenantId,
      [SpanAttributes.endpointId]: endpoint.id,
      [SpanAttributes.deliveryId]: task.deliveryId,
      [SpanAttributes.eventId]: task.eventId,
      [SpanAttributes.eventType]: task.eventType,
      [SpanAttributes.attempt]: task.attempt,
      [SpanAttributes.trigger]: task.trigger,
      [SpanAttributes.httpMethod]: 'POST',
      [SpanAttributes.httpStatus]: status,
      [SpanAttributes.errorCode]: errorCode,
      [SpanAttributes.errorType]: errorCode === AttemptErrorCode.httpStatus && status !== undefined ? String(status) : errorCode,
    });
    if (outcome.kind !== 'success') span.fail(result.error?.message ?? (status !== undefined ? describeUnsuccessfulResponse(status) : 'the attempt failed'));
  }

  /** Successes reset an endpoint's health, failures count towards disabling it; test sends count for nothing. */
  private async trackHealth(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, outcome: AttemptOutcome, at: Date): Promise<void> {
    if (task.trigger === AttemptTrigger.test) return;
    if (outcome.kind === 'success') return this.health.recordSuccess(endpoint);
    if (outcome.kind === 'final' && outcome.disableEndpoint) return this.health.disable(endpoint, 'gone', 'the endpoint answered 410 Gone');
    return this.health.recordFailure(endpoint, at);
  }

  /**
   * Puts a task back on the retry subject, to be attempted at `notBefore`; `trace` (the fan-out's
   * context) goes with it as NATS headers, so a retry hours later still belongs to the trace.
   */
  async scheduleRetry(task: DeliveryTaskMessage, messageId: string, trace?: TraceContext): Promise<void> {
    await this.js.publish(retryTaskSubject(task.tenantId, task.endpointId), encodeMessage(task), { msgID: messageId, headers: natsHeadersOf(trace) });
  }

  /** Parks a task of a paused endpoint; it looks again later and keeps its attempt number and trace. */
  async park(task: DeliveryTaskMessage, trace?: TraceContext): Promise<void> {
    const notBefore = new Date(Date.now() + PAUSED_RECHECK_MS).toISOString();
    await this.scheduleRetry({ ...task, notBefore }, parkedTaskMessageId(task, Date.now()), trace);
  }

  private errorOf(result: SendResult): AttemptRecordedMessage['error'] {
    if (result.error) return result.error;
    const status = result.response?.status;
    if (status !== undefined && (status < 200 || status >= 300)) {
      return { code: AttemptErrorCode.httpStatus, message: describeUnsuccessfulResponse(status) };
    }
    return undefined;
  }
}
