import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER, SecretBox } from '@wirehook/config';
import {
  AttemptErrorCode,
  AttemptTrigger,
  DeliveryStatus,
  encodeMessage,
  retryTaskSubject,
  type AttemptRecordedMessage,
  type DeliveryTaskMessage,
  type EndpointSnapshotMessage,
} from '@wirehook/contracts';
import { JETSTREAM } from '@wirehook/nats';
import { AttemptLogPublisher } from '../attempt-log/attempt-log.publisher';
import { describeUnsuccessfulResponse, judgeAttempt, type AttemptOutcome } from './attempt-outcome';
import { EndpointHealthTracker } from '../health-tracking/endpoint-health.tracker';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';
import { nextRetryDelay, parseDuration } from './retry-schedule';
import { DispatcherConfig } from '../config/dispatcher.config';
import { signWebhook } from './signature';
import { WebhookSender, type SendResult } from './webhook-sender';

export const USER_AGENT = 'wirehook/0.1.0 (+https://github.com/wirehook/wirehook)';
const REDACTED = '[redacted]';
/** How long a delivery to a paused endpoint waits before it looks again. */
export const PAUSED_RECHECK_MS = 60_000;

/** What every request to one endpoint sends besides the per-delivery headers. */
interface PreparedHeaders {
  secrets: Array<{ plain: string; expiresAtMs?: number }>;
  /** Custom and auth headers, decrypted. */
  sent: Record<string, string>;
  /** The same names, lower-cased, with `[redacted]` for the attempt record. */
  redacted: Record<string, string>;
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

  constructor(
    config: DispatcherConfig,
    private readonly sender: WebhookSender,
    private readonly secretBox: SecretBox,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: EndpointHealthTracker,
    private readonly metrics: DispatcherMetrics,
    private readonly attemptLog: AttemptLogPublisher,
  ) {
    this.defaultScheduleMs = config.DELIVERY_RETRY_SCHEDULE.map((delay) => parseDuration(delay) as number);
    this.throttledRetryMinMs = config.DELIVERY_THROTTLED_RETRY_MIN_MS;
  }

  /**
   * Builds the request headers: Standard Webhooks, the compatibility headers, auth and custom
   * ones. `webhook-timestamp` is this attempt's time (what Standard Webhooks signs);
   * `X-Webhook-Timestamp` is when the event occurred, as the product notes define it.
   */
  buildHeaders(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, now: Date): { headers: Record<string, string>; redacted: Record<string, string> } {
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
      if (endpoint.auth?.type === 'header' && endpoint.auth.headerName) sent[endpoint.auth.headerName.toLowerCase()] = this.secretBox.decrypt(endpoint.auth.encryptedValue);
      prepared = {
        secrets: endpoint.secrets.map((secret) => ({ plain: this.secretBox.decrypt(secret.encrypted), expiresAtMs: secret.expiresAt ? Date.parse(secret.expiresAt) : undefined })),
        sent,
        redacted: Object.fromEntries(Object.keys(sent).map((name) => [name.toLowerCase(), REDACTED])),
      };
      this.prepared.set(endpoint, prepared);
    }
    return prepared;
  }

  async attempt(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage): Promise<AttemptReport> {
    const startedAt = new Date();
    const { headers, redacted } = this.buildHeaders(endpoint, task, startedAt);
    this.metrics.attemptStarted(endpoint.id);
    const result = await this.sender.send({ url: endpoint.url, headers, body: task.body, timeoutMs: endpoint.timeoutMs });
    const completedAt = new Date();
    const outcome = judgeAttempt(result);

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
    // The record is stored before the follow-up is scheduled and before the task is acked, so a
    // crash at any point repeats work (same ids, de-duplicated) instead of losing it.
    await this.attemptLog.recordAttempt(record);
    if (retry) await this.scheduleRetry(retry, `${task.deliveryId}_${retry.attempt}`);
    this.metrics.attemptFinished(endpoint.id, status, result.durationMs, retry !== undefined);
    await this.trackHealth(endpoint, task, outcome, completedAt);
    this.logger.debug({ deliveryId: task.deliveryId, attempt: task.attempt, status, durationMs: result.durationMs }, 'attempt finished');
    return { record, retry };
  }

  /** Successes reset an endpoint's health, failures count towards disabling it; test sends count for nothing. */
  private async trackHealth(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage, outcome: AttemptOutcome, at: Date): Promise<void> {
    if (task.trigger === AttemptTrigger.test) return;
    if (outcome.kind === 'success') return this.health.recordSuccess(endpoint);
    if (outcome.kind === 'final' && outcome.disableEndpoint) return this.health.disable(endpoint, 'gone', 'the endpoint answered 410 Gone');
    return this.health.recordFailure(endpoint, at);
  }

  /** Puts a task back on the retry subject, to be attempted at `notBefore`. */
  async scheduleRetry(task: DeliveryTaskMessage, messageId: string): Promise<void> {
    await this.js.publish(retryTaskSubject(task.tenantId, task.endpointId), encodeMessage(task), { msgID: messageId });
  }

  /** Parks a task of a paused endpoint; it looks again later and keeps its attempt number. */
  async park(task: DeliveryTaskMessage): Promise<void> {
    const notBefore = new Date(Date.now() + PAUSED_RECHECK_MS).toISOString();
    await this.scheduleRetry({ ...task, notBefore }, `${task.deliveryId}_${task.attempt}_parked_${Date.now()}`);
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
