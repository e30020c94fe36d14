import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { InvalidMessageError, TENANT_ID_PATTERN, encodeMessage, eventSubject } from '@wirehook/contracts/events';
import { connectNats, type NatsClientSettings } from '@wirehook/nats/client';
import { traceHeadersOf, type PublishOptions } from './trace-options';
import { prepareEvent, type WebhookEvent } from './webhook-event';

export interface PublishResult {
  eventId: string;
  /** Stream sequence of the stored event. */
  sequence: number;
  /** True when JetStream already had an event with this id (a retried publish). */
  duplicate: boolean;
}

/** NATS headers carrying the trace context of `options`; undefined without a valid one. */
function natsTraceHeadersOf(options: PublishOptions | undefined): MsgHdrs | undefined {
  const trace = traceHeadersOf(options);
  if (trace.length === 0) return undefined;
  const headers = natsHeaders();
  for (const [name, value] of trace) headers.set(name, value);
  return headers;
}

/** Where and how {@link WebhookEventPublisher.connect} connects: servers, credentials, TLS. */
export interface PublisherConnectOptions extends NatsClientSettings {
  /** The connection's name, as NATS monitoring shows it; default `webhook-event-publisher`. */
  name?: string;
}

/**
 * The typed client internal services use to publish webhook events to JetStream. Events are
 * validated before they leave the process, and the event id is the JetStream message id, so
 * retrying a publish after a timeout never delivers the event twice.
 */
export class WebhookEventPublisher {
  private readonly js: JetStreamClient;
  /** The connection {@link connect} opened; one given to the constructor stays the caller's. */
  private ownConnection?: NatsConnection;

  /** Publishes over a connection the caller opened and closes. */
  constructor(nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  /**
   * Connects to NATS the way the platform's apps do, with the same credentials and TLS options
   * (one of a .creds file's contents, an NKey seed, user and password, or a token; a CA file and
   * a client certificate), and returns a publisher that owns the connection: {@link close} it.
   * Waits while NATS is unreachable and reconnects for ever; fails at once with a
   * `NatsAccessError` naming the problem when NATS refuses the credentials or the TLS setup.
   */
  static async connect(options: PublisherConnectOptions): Promise<WebhookEventPublisher> {
    const { name = 'webhook-event-publisher', ...settings } = options;
    const nc = await connectNats(settings, name);
    const publisher = new WebhookEventPublisher(nc);
    publisher.ownConnection = nc;
    return publisher;
  }

  /** Drains and closes the connection {@link connect} opened (events in flight are sent first). */
  async close(): Promise<void> {
    await this.ownConnection?.drain();
  }

  /**
   * Publishes one event for a tenant; resolves once JetStream has stored it. `options` may carry
   * the publishing operation's trace context (`traceparent`, `tracestate`), sent as NATS headers.
   */
  async publish(tenantId: string, event: WebhookEvent, options?: PublishOptions): Promise<PublishResult> {
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new InvalidMessageError(['tenantId must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit']);
    }
    const message = prepareEvent(event);
    const ack = await this.js.publish(eventSubject(tenantId, message.event), encodeMessage(message), {
      msgID: message.id,
      headers: natsTraceHeadersOf(options),
    });
    return { eventId: message.id, sequence: ack.seq, duplicate: ack.duplicate };
  }
}
