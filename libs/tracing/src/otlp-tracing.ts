import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { BasicTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TraceContext } from '@wirehook/contracts';
import { Tracing, type SpanAttributeValue, type SpanKindName, type TraceSpan } from './tracing';

/** Where problems of the SDK itself (an export that failed) are told. */
export interface TracingLogger {
  warn(fields: object, message: string): void;
}

export interface OtlpTracingOptions {
  /** The collector's base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`); spans go to `<it>/v1/traces`. */
  endpoint: string;
  /** The `service.name` of the spans. */
  serviceName: string;
  logger?: TracingLogger;
  /** Replaces the OTLP exporter (tests). */
  exporter?: SpanExporter;
}

/** The OpenTelemetry API, loaded with the SDK: a process that does not export never loads either. */
type OtelApi = typeof import('@opentelemetry/api');

/** The OTLP/HTTP traces URL of a collector's base URL, as the OpenTelemetry spec builds it. */
export function tracesUrlOf(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/** A received trace context as the parent of a span. */
function parentContextOf(api: OtelApi, parent: TraceContext | undefined): Context {
  if (parent === undefined) return api.ROOT_CONTEXT;
  const { traceparent, tracestate } = parent;
  return api.trace.setSpanContext(api.ROOT_CONTEXT, {
    traceId: traceparent.slice(3, 35),
    spanId: traceparent.slice(36, 52),
    traceFlags: Number.parseInt(traceparent.slice(53, 55), 16),
    isRemote: true,
    traceState: tracestate === undefined ? undefined : api.createTraceState(tracestate),
  });
}

class OtlpSpan implements TraceSpan {
  readonly recording: boolean;
  private passedOn?: TraceContext;

  constructor(
    private readonly span: Span,
    private readonly errorStatus: number,
  ) {
    this.recording = span.isRecording();
  }

  get context(): TraceContext {
    if (this.passedOn === undefined) {
      const { traceId, spanId, traceFlags, traceState } = this.span.spanContext();
      const traceparent = `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
      const tracestate = traceState?.serialize();
      this.passedOn = tracestate ? { traceparent, tracestate } : { traceparent };
    }
    return this.passedOn;
  }

  setAttributes(attributes: Record<string, SpanAttributeValue | undefined>): void {
    for (const [name, value] of Object.entries(attributes)) if (value !== undefined) this.span.setAttribute(name, value);
  }

  fail(description: string): void {
    this.span.setStatus({ code: this.errorStatus, message: description });
  }

  end(): void {
    this.span.end();
  }
}

/**
 * Spans made by the OpenTelemetry SDK and exported in batches over OTLP/HTTP (JSON). Sampling is
 * parent-based: a trace the publisher marked as not sampled is passed on but not recorded; every
 * trace that starts here is recorded. Made by {@link createOtlpTracing}, which loads the SDK.
 */
export class OtlpTracing extends Tracing {
  readonly exporting = true;
  private readonly tracer: Tracer;
  private readonly kinds: Record<SpanKindName, number>;

  constructor(
    private readonly api: OtelApi,
    private readonly provider: BasicTracerProvider,
  ) {
    super();
    this.tracer = provider.getTracer('wirehook');
    const { SpanKind } = api;
    this.kinds = { internal: SpanKind.INTERNAL, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER, client: SpanKind.CLIENT };
  }

  startSpan(name: string, kind: SpanKindName, parent: TraceContext | undefined): TraceSpan {
    return new OtlpSpan(this.tracer.startSpan(name, { kind: this.kinds[kind] }, parentContextOf(this.api, parent)), this.api.SpanStatusCode.ERROR);
  }

  /** Exports the spans buffered so far (tests, before they look at a collector). */
  async flush(): Promise<void> {
    await this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }
}

/** Loads the OpenTelemetry SDK and the OTLP exporter, and makes the tracer of the app. */
export async function createOtlpTracing(options: OtlpTracingOptions): Promise<OtlpTracing> {
  const [api, { OTLPTraceExporter }, { resourceFromAttributes }, { BasicTracerProvider, BatchSpanProcessor }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const logger = options.logger;
  if (logger) {
    // The SDK tells of failed exports through its diagnostics channel only.
    const warn = (message: string, ...args: unknown[]) => logger.warn({ detail: args.map(String).join(' ') }, `tracing: ${message}`);
    const quiet = () => undefined;
    api.diag.setLogger({ error: warn, warn, info: quiet, debug: quiet, verbose: quiet }, { logLevel: api.DiagLogLevel.WARN, suppressOverrideMessage: true });
  }
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: tracesUrlOf(options.endpoint) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  return new OtlpTracing(api, provider);
}
