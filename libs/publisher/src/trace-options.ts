import { TraceHeaders, traceContextOf, type TraceContext } from '@wirehook/contracts/events';

/**
 * The W3C Trace Context of the operation that publishes an event, so its deliveries join that
 * trace: wirehook continues it through fan-out and every attempt (retries hours later included)
 * and sends each endpoint a `traceparent` of it. The shape of an OpenTelemetry carrier:
 * `propagation.inject(context.active(), options)` fills it. An invalid `traceparent` is not sent
 * (and a `tracestate` with it): tracing never stops an event from being published.
 */
export interface PublishOptions {
  /** `00-<trace id>-<parent span id>-<flags>`. */
  traceparent?: string;
  /** Vendor entries of the trace, sent with a valid `traceparent` only. */
  tracestate?: string;
}

/** The headers to send for these options: `traceparent` and `tracestate` when valid, else none. */
export function traceHeadersOf(options: PublishOptions | undefined): Array<[string, string]> {
  const trace: TraceContext | undefined = options ? traceContextOf(options.traceparent, options.tracestate) : undefined;
  if (!trace) return [];
  const headers: Array<[string, string]> = [[TraceHeaders.traceparent, trace.traceparent]];
  if (trace.tracestate !== undefined) headers.push([TraceHeaders.tracestate, trace.tracestate]);
  return headers;
}
