import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createOtlpTracing, type TracingLogger } from './otlp-tracing';
import { PassThroughTracing, type Tracing } from './tracing';

/** How an app traces, from its validated config. */
export interface TracingSettings {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: the collector's base URL; unset, nothing is exported. */
  otlpEndpoint?: string;
  /** `OTEL_SERVICE_NAME`, or the app's name. */
  serviceName: string;
}

/**
 * The app's tracer: the OpenTelemetry SDK exporting over OTLP/HTTP when a collector is
 * configured (the SDK is loaded only then), else {@link PassThroughTracing}, which makes no spans at all.
 */
export async function createTracing(settings: TracingSettings, logger?: TracingLogger, exporter?: SpanExporter): Promise<Tracing> {
  if (!settings.otlpEndpoint) return new PassThroughTracing();
  return createOtlpTracing({ endpoint: settings.otlpEndpoint, serviceName: settings.serviceName, logger, exporter });
}
