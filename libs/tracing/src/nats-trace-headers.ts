import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { TraceHeaders, traceContextOf, type TraceContext } from '@wirehook/contracts';

/** The trace context of a NATS message's headers; undefined without a valid `traceparent` (an invalid one is ignored). */
export function traceContextOfHeaders(headers: MsgHdrs | undefined): TraceContext | undefined {
  if (headers === undefined) return undefined;
  const traceparent = headers.get(TraceHeaders.traceparent);
  if (traceparent === '') return undefined;
  const tracestate = headers.get(TraceHeaders.tracestate);
  return traceContextOf(traceparent, tracestate === '' ? undefined : tracestate);
}

/** NATS headers carrying a trace context, or undefined outside a trace (no headers to build). */
export function natsHeadersOf(trace: TraceContext | undefined): MsgHdrs | undefined {
  if (trace === undefined) return undefined;
  const headers = natsHeaders();
  headers.set(TraceHeaders.traceparent, trace.traceparent);
  if (trace.tracestate !== undefined) headers.set(TraceHeaders.tracestate, trace.tracestate);
  return headers;
}
