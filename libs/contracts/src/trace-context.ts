import { Matches } from 'class-validator';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the headers that carry a trace from
 * a publisher through fan-out and every delivery attempt to the endpoint. They travel as NATS
 * headers on events and delivery tasks, as HTTP headers on ingest and on each webhook request.
 * Wire API: the names are fixed by the standard.
 */
export const TraceHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** A valid trace context, as it is passed on: `traceparent` always in its version-00 form. */
export interface TraceContext {
  /** `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`. */
  traceparent: string;
  /** Vendor entries, passed on as received (only with a valid `traceparent`). */
  tracestate?: string;
}

/** A `traceparent` in the only form wirehook sends and stores (version 00). */
export const TRACEPARENT_PATTERN = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
/** Any version but `ff`: 2 hex version, trace id, parent id, flags, then (future versions) `-...`. */
const TRACEPARENT_ANY_VERSION = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
/** The standard's limits on `tracestate`: 512 characters kept, 32 entries. */
const TRACESTATE_MAX_LENGTH = 512;
const TRACESTATE_MAX_ENTRIES = 32;
/** One `tracestate` entry: `key=value` (a key may be `tenant@system`). */
const TRACESTATE_ENTRY = /^[a-z0-9][a-z0-9_\-*/]{0,255}(@[a-z][a-z0-9_\-*/]{0,13})?=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * The `traceparent` to pass on, in its version-00 form, or undefined when the value is not a valid
 * one (absent, malformed, version `ff`, an all-zero trace or parent id, upper-case hex). A
 * version above 00 is read as the standard asks: its first four fields, when what follows them
 * starts with `-`. An invalid header is ignored, never an error: the event is still delivered.
 */
export function parseTraceparent(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 55 || value.length > 512) return undefined;
  const text = value.trim();
  if (TRACEPARENT_PATTERN.test(text)) return text;
  const match = TRACEPARENT_ANY_VERSION.exec(text);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match;
  // Version 00 has nothing after the flags; ff is forbidden.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_SPAN_ID) return undefined;
  return `00-${traceId}-${parentId}-${flags}`;
}

/** A `tracestate` worth passing on, or undefined when it breaks the standard's rules (it is then dropped alone). */
export function parseTracestate(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > TRACESTATE_MAX_LENGTH) return undefined;
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0 || entries.length > TRACESTATE_MAX_ENTRIES) return undefined;
  return entries.every((entry) => TRACESTATE_ENTRY.test(entry)) ? entries.join(',') : undefined;
}

/**
 * The trace context of received headers: undefined without a valid `traceparent` (a `tracestate`
 * alone means nothing), with `tracestate` only when it is valid too.
 */
export function traceContextOf(traceparent: unknown, tracestate?: unknown): TraceContext | undefined {
  const parent = parseTraceparent(traceparent);
  if (parent === undefined) return undefined;
  const state = tracestate === undefined ? undefined : parseTracestate(tracestate);
  return state === undefined ? { traceparent: parent } : { traceparent: parent, tracestate: state };
}

/** The trace id (32 hex) of a version-00 `traceparent`. */
export function traceIdOf(traceparent: string): string {
  return traceparent.slice(3, 35);
}

/** The parent (span) id (16 hex) of a version-00 `traceparent`. */
export function parentIdOf(traceparent: string): string {
  return traceparent.slice(36, 52);
}

/** A field holding a version-00 `traceparent`. */
export const IsTraceparent = () => Matches(TRACEPARENT_PATTERN, { message: '$property must be a W3C traceparent (00-<trace id>-<parent id>-<flags>)' });
