import type { TraceContext } from '@wirehook/contracts';

/** The spans the apps make; names are what a tracing UI lists, so they stay stable. */
export const SpanNames = {
  /** config-api, per event taken over HTTP: publishing it to JetStream. */
  publishEvent: 'publish event',
  /** dispatcher, per event: turning it into deliveries (child of the publisher's span). */
  fanOut: 'fan-out',
  /** dispatcher, per attempt: signing and sending one request (child of the event's fan-out). */
  deliveryAttempt: 'delivery attempt',
  /** log-service, per attempt record written to MongoDB (child of the attempt). */
  attemptLogWrite: 'attempt log write',
} as const;

/** Attribute names: OpenTelemetry's semantic conventions where one fits, `wirehook.*` otherwise. */
export const SpanAttributes = {
  tenantId: 'wirehook.tenant.id',
  eventId: 'wirehook.event.id',
  eventType: 'wirehook.event.type',
  /** How many deliveries fan-out made of the event. */
  deliveries: 'wirehook.deliveries',
  endpointId: 'wirehook.endpoint.id',
  deliveryId: 'wirehook.delivery.id',
  /** The attempt's number, 1 for the first. */
  attempt: 'wirehook.attempt',
  /** `auto`, `manual` or `test`. */
  trigger: 'wirehook.attempt.trigger',
  /** The delivery's status after the attempt: success, retrying, failed. */
  deliveryStatus: 'wirehook.delivery.status',
  /** The attempt's error code (`AttemptErrorCode`), when it failed. */
  errorCode: 'wirehook.error.code',
  /** Why an event was dead-lettered instead of fanned out. */
  deadLetterReason: 'wirehook.dead_letter.reason',
  httpStatus: 'http.response.status_code',
  httpMethod: 'http.request.method',
  /** OpenTelemetry's general error classification: the error code, or the HTTP status. */
  errorType: 'error.type',
  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
} as const;

/** What a span stands for, as OpenTelemetry classifies it. */
export type SpanKindName = 'internal' | 'producer' | 'consumer' | 'client';

export type SpanAttributeValue = string | number | boolean;

/**
 * One operation of a trace. Spans of a process that does not export (`recording` false) record
 * nothing and only pass the caller's trace context on, so building attributes for them is wasted
 * work: callers check `recording` first.
 */
export interface TraceSpan {
  /** True when the span is recorded and exported: attributes and status are worth setting. */
  readonly recording: boolean;
  /**
   * The trace context to pass on to what this operation starts (a NATS header, an HTTP header,
   * an attempt record): this span's own when spans are made, else the parent's unchanged;
   * undefined outside a trace.
   */
  readonly context: TraceContext | undefined;
  /** Sets attributes; undefined values are left out. */
  setAttributes(attributes: Record<string, SpanAttributeValue | undefined>): void;
  /** Marks the span as failed (status error) with a short description. */
  fail(description: string): void;
  end(): void;
}

/**
 * Makes the spans of an app. Two implementations: {@link PassThroughTracing} when no collector
 * is configured (nothing is recorded, trace context passes through unchanged), and the
 * OpenTelemetry SDK exporting over OTLP/HTTP (`createTracing` loads it only then).
 */
export abstract class Tracing {
  /** True when spans are recorded and exported. */
  abstract readonly exporting: boolean;

  /**
   * Starts a span as a child of `parent` (a remote context: a header received); without a parent,
   * an exporting tracer starts a new trace and a pass-through one returns a span outside any trace.
   */
  abstract startSpan(name: string, kind: SpanKindName, parent: TraceContext | undefined): TraceSpan;

  /** Exports what is still buffered and stops; spans ended later are dropped. */
  abstract shutdown(): Promise<void>;
}

const noop = (): void => undefined;

/** The span of an operation outside any trace when nothing is exported: shared, it costs nothing. */
const OUTSIDE_TRACE: TraceSpan = Object.freeze({ recording: false, context: undefined, setAttributes: noop, fail: noop, end: noop });

/** A span that records nothing and passes its parent's context on. */
class PassThroughSpan implements TraceSpan {
  readonly recording = false;
  readonly setAttributes = noop;
  readonly fail = noop;
  readonly end = noop;

  constructor(readonly context: TraceContext) {}
}

/**
 * No collector configured: no SDK is loaded and no span is made. A received trace context is
 * passed on as it came (the W3C rule for a participant that does not record), so the publisher's
 * trace still reaches the endpoints; without one, nothing is sent. One small object per span
 * inside a trace, none outside.
 */
export class PassThroughTracing extends Tracing {
  readonly exporting = false;

  startSpan(_name: string, _kind: SpanKindName, parent: TraceContext | undefined): TraceSpan {
    return parent === undefined ? OUTSIDE_TRACE : new PassThroughSpan(parent);
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
