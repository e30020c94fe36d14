export * from './tracing';
export * from './create-tracing';
export * from './tracing.module';
export * from './nats-trace-headers';
export { OtlpTracing, tracesUrlOf, type TracingLogger } from './otlp-tracing';
