import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { createTracing } from './create-tracing';
import { natsHeadersOf, traceContextOfHeaders } from './nats-trace-headers';
import { OtlpTracing, tracesUrlOf } from './otlp-tracing';
import { PassThroughTracing } from './tracing';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, tracestate: 'rojo=1' };

describe('PassThroughTracing (no collector configured)', () => {
  const tracing = new PassThroughTracing();

  it('passes a received context on unchanged, recording nothing', () => {
    const span = tracing.startSpan('fan-out', 'consumer', PARENT);
    expect(span.recording).toBe(false);
    expect(span.context).toBe(PARENT);
    span.setAttributes({ a: 1 });
    span.fail('no effect');
    span.end();
  });

  it('makes no trace of its own: outside a trace one shared span stands for all', () => {
    const first = tracing.startSpan('fan-out', 'consumer', undefined);
    expect(first.context).toBeUndefined();
    expect(tracing.startSpan('delivery attempt', 'client', undefined)).toBe(first);
  });

  it('is what createTracing makes without an endpoint', async () => {
    expect(await createTracing({ serviceName: 'dispatcher' })).toBeInstanceOf(PassThroughTracing);
  });
});

describe('OtlpTracing (a collector configured)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: OtlpTracing;

  beforeAll(async () => {
    tracing = (await createTracing({ otlpEndpoint: 'http://127.0.0.1:1', serviceName: 'dispatcher' }, undefined, exporter)) as OtlpTracing;
  });

  afterEach(async () => {
    await tracing.flush();
    exporter.reset();
  });
  afterAll(() => tracing.shutdown());

  it('records a child of the received context and passes its own context on', async () => {
    const span = tracing.startSpan('fan-out', 'consumer', PARENT);
    expect(span.recording).toBe(true);
    const context = span.context;
    expect(context?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(context?.traceparent).not.toBe(PARENT.traceparent);
    expect(context?.tracestate).toBe('rojo=1');
    span.setAttributes({ 'wirehook.attempt': 2, 'wirehook.error.code': undefined });
    span.fail('HTTP 500');
    span.end();
    await tracing.flush();

    const [exported] = exporter.getFinishedSpans();
    expect(exported.name).toBe('fan-out');
    expect(exported.kind).toBe(SpanKind.CONSUMER);
    expect(exported.spanContext().traceId).toBe(TRACE_ID);
    expect(exported.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(exported.attributes).toEqual({ 'wirehook.attempt': 2 });
    expect(exported.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HTTP 500' });
    expect(exported.resource.attributes['service.name']).toBe('dispatcher');
  });

  it('starts a new trace without a received context', () => {
    const span = tracing.startSpan('delivery attempt', 'client', undefined);
    expect(span.context?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(span.context?.traceparent).not.toContain(TRACE_ID);
    span.end();
  });

  it('passes on, without recording, a trace the publisher did not sample', async () => {
    const span = tracing.startSpan('fan-out', 'consumer', { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-00` });
    expect(span.recording).toBe(false);
    expect(span.context?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-00$`));
    span.end();
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('sends spans to <endpoint>/v1/traces', () => {
    expect(tracesUrlOf('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrlOf('https://collector.example/otlp/')).toBe('https://collector.example/otlp/v1/traces');
  });
});

describe('trace context in NATS headers', () => {
  it('goes into headers and comes back out', () => {
    const headers = natsHeadersOf(PARENT);
    expect(traceContextOfHeaders(headers)).toEqual(PARENT);
  });

  it('builds no headers outside a trace', () => {
    expect(natsHeadersOf(undefined)).toBeUndefined();
    expect(traceContextOfHeaders(undefined)).toBeUndefined();
  });

  it('ignores an invalid traceparent header', () => {
    const headers = natsHeaders();
    headers.set('Nats-Msg-Id', 'e-1');
    expect(traceContextOfHeaders(headers)).toBeUndefined();
    headers.set('traceparent', '00-not-a-trace');
    headers.set('tracestate', 'rojo=1');
    expect(traceContextOfHeaders(headers)).toBeUndefined();
  });
});
