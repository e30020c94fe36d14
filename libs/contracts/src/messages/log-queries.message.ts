import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { LogFilterMessage, MAX_CURSOR_LENGTH, type AttemptLogRecord, type AttemptLogView, type DeliveryLogRecord, type StatusClass } from './list-logs.message';
import type { DeliveryStatus } from '../enums';
import { IsEndpointId, IsTenantId } from '../identifiers';

/**
 * Longest reply log-service sends over NATS, below the server's default 1 MiB max payload with
 * room for headers. Pages of exports and recovers are filled up to it; a body that does not
 * fit travels in chunks ({@link GetLogBodyRequestMessage}).
 */
export const LOG_REPLY_BUDGET_BYTES = 512 * 1024;
/** Characters of a body per chunk: JSON escaping at most sextuples them, still under 1 MiB. */
export const LOG_BODY_CHUNK_CHARS = 100_000;
export const LOG_BODY_PARTS = ['request', 'response'] as const;
export type LogBodyPart = (typeof LOG_BODY_PARTS)[number];

/** A body as log-service sends it: inline when it fits the reply, else its length, to fetch in chunks. */
export interface LogBodyReply {
  text: string | null;
  length: number;
}

/**
 * Request for one attempt with the timeline of its delivery (pattern `rpc.log-service.v2.logs.get`,
 * answered with a {@link LogDetailRecord}). `id` is an attempt id, or a delivery id for its latest attempt.
 */
export class GetLogRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsString()
  @MaxLength(100)
  id!: string;
}

/** One chunk of an attempt's request or response body (pattern `rpc.log-service.v1.logs.body`). */
export class GetLogBodyRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsString()
  @MaxLength(100)
  attemptId!: string;

  @IsIn(LOG_BODY_PARTS)
  part!: LogBodyPart;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset!: number;
}

/** A chunk of a body: at most {@link LOG_BODY_CHUNK_CHARS} characters from the offset asked for. */
export interface LogBodyChunk {
  text: string;
  /** Length of the whole body. */
  length: number;
}

/** One attempt of a delivery's timeline. */
export type AttemptStepRecord = Pick<AttemptLogRecord, 'id' | 'attempt' | 'trigger' | 'status' | 'httpStatus' | 'error' | 'durationMs' | 'createdAt'>;

/**
 * One attempt in full as log-service sends it: the attempt as a list row has it, what was sent
 * and received (bodies that do not fit the reply are left for chunked reads), the delivery's
 * latest state and its timeline. config-api builds the public {@link LogDetailView} from it.
 */
export interface LogDetailRecord {
  attempt: AttemptLogRecord;
  request: { method: string; url: string; headers: Record<string, string>; body: LogBodyReply };
  /** null when no response arrived. */
  response: { status: number; headers: Record<string, string>; body: LogBodyReply; bodyTruncated: boolean } | null;
  /** null when the delivery is not stored (any more). */
  delivery: Pick<DeliveryLogRecord, 'id' | 'status' | 'lastAttempt' | 'nextAttemptAt' | 'createdAt'> | null;
  /** Every attempt of the delivery, first attempt first. */
  timeline: AttemptStepRecord[];
}

/** An exported attempt as log-service sends it: the list row, and its bodies and response headers whole. */
export interface ExportedAttemptRecord {
  attempt: AttemptLogRecord;
  requestBody: LogBodyReply;
  /** null when no response arrived. */
  responseBody: LogBodyReply | null;
  responseHeaders: Record<string, string> | null;
}

/** One page of an export as log-service sends it. */
export interface ExportedAttemptsPage {
  rows: ExportedAttemptRecord[];
  /** Pass as `after` for the next page; null after the last one. */
  next: string | null;
}

/** One attempt in full, and every attempt of the same delivery, first attempt first. */
export interface LogDetailView extends AttemptLogView {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string; body_truncated: boolean } | null;
  delivery: { id: string; status: string; attempts: number; next_attempt_at: string | null; created_at: string } | null;
  timeline: Array<Pick<AttemptLogView, 'id' | 'attempt' | 'trigger' | 'status' | 'http_status' | 'error' | 'error_code' | 'duration_ms' | 'created_at'>>;
}

/** Request for delivery statistics over a window (pattern `rpc.log-service.v2.logs.stats`, answered with a {@link LogStatsRecord}). */
export class LogStatsRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsOptional()
  @IsEndpointId()
  webhookId?: string;

  @IsISO8601({ strict: true })
  from!: string;

  @IsISO8601({ strict: true })
  to!: string;
}

/**
 * Statistics of the whole hours a window touches as log-service reads them from the hourly
 * rollups; config-api builds the public {@link LogStatsView} from them.
 */
export interface LogStatsRecord {
  /** Start of the first hour counted: `from` cut to the hour. */
  coveredFrom: string;
  /** End (exclusive) of the last hour counted: the hour after the one holding `to`. */
  coveredTo: string;
  attempts: number;
  /** Every delivery status, zero when absent. */
  byStatus: Record<DeliveryStatus, number>;
  /** Every status class and `none` (no response), zero when absent. */
  byStatusClass: Record<StatusClass | 'none', number>;
  /** Sum of the durations: the average is `durationSumMs / attempts`. */
  durationSumMs: number;
  /** Percentiles of the durations in milliseconds; null without attempts. */
  durationMs: { p50: number | null; p95: number | null; p99: number | null };
  /** The percentiles come from a histogram: within this fraction of the exact values. */
  durationPercentileError: number;
  /** The most frequent event types: count descending, then event type ascending. */
  topEvents: Array<{ eventType: string; count: number }>;
  /** The most frequent error codes: count descending, then code ascending. */
  topErrorCodes: Array<{ code: string; count: number }>;
  /** Hours that have attempts, oldest first: `start` is the hour's ISO instant, `p95Ms` the p95 of its durations. */
  hours: Array<{ start: string; attempts: number; success: number; p95Ms: number | null }>;
}

/** Statistics of the whole hours a window touches (read from hourly rollups). */
export interface LogStatsView {
  /** The hours counted: `from` cut to the hour, up to the end of the hour holding `to`. */
  window: { from: string; to: string };
  totals: { attempts: number; success: number; failed: number; retrying: number };
  /** Successful attempts over all attempts, 0..1 (null without attempts). */
  success_rate: number | null;
  by_status_class: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'none', number>;
  /** Percentiles come from a histogram: within `percentile_error` (a fraction) of the exact values. */
  duration_ms: { avg: number | null; p50: number | null; p95: number | null; p99: number | null; percentile_error: number };
  top_events: Array<{ event: string; count: number }>;
  top_error_codes: Array<{ code: string; count: number }>;
  /**
   * Attempts per hour in the window (hours without attempts are listed with zeros), with the
   * p95 duration of the hour's attempts (null without attempts; within `percentile_error`).
   */
  buckets: Array<{ start: string; attempts: number; success: number; p95_ms: number | null }>;
}

/**
 * One page of an export, in time order after a cursor (pattern `rpc.log-service.v2.logs.export-page`,
 * answered with an {@link ExportedAttemptsPage}).
 * A page ends at `limit` rows or at {@link LOG_REPLY_BUDGET_BYTES}, whichever comes first.
 */
export class ExportPageRequestMessage extends LogFilterMessage {
  /** The `next` of the previous page (opaque). */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  after?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit!: number;
}
