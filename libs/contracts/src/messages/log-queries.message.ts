import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { LogFilterMessage, type AttemptLogView } from './list-logs.message';
import { IsEndpointId, IsTenantId } from '../identifiers';

/** Request for one attempt with the timeline of its delivery (pattern `rpc.log-service.v1.logs.get`). */
export class GetLogRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsString()
  @MaxLength(100)
  id!: string;
}

/** One attempt in full, and every attempt of the same delivery, first attempt first. */
export interface LogDetailView extends AttemptLogView {
  request: { method: string; url: string; headers: Record<string, string>; body: string };
  response: { status: number; headers: Record<string, string>; body: string; body_truncated: boolean } | null;
  delivery: { id: string; status: string; attempts: number; next_attempt_at: string | null; created_at: string } | null;
  timeline: Array<Pick<AttemptLogView, 'id' | 'attempt' | 'trigger' | 'status' | 'http_status' | 'error' | 'error_code' | 'duration_ms' | 'created_at'>>;
}

/** Request for delivery statistics over a window (pattern `rpc.log-service.v1.logs.stats`). */
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

export interface LogStatsView {
  window: { from: string; to: string };
  totals: { attempts: number; success: number; failed: number; retrying: number };
  /** Successful attempts over all attempts, 0..1 (null without attempts). */
  success_rate: number | null;
  by_status_class: Record<'2xx' | '3xx' | '4xx' | '5xx' | 'none', number>;
  duration_ms: { avg: number | null; p50: number | null; p95: number | null; p99: number | null };
  top_events: Array<{ event: string; count: number }>;
  top_error_codes: Array<{ code: string; count: number }>;
  /** Attempts per hour in the window (hours without attempts are listed with zeros). */
  buckets: Array<{ start: string; attempts: number; success: number }>;
}

/** One page of an export, in time order after a cursor (pattern `rpc.log-service.v1.logs.export-page`). */
export class ExportPageRequestMessage extends LogFilterMessage {
  /** Id of the last attempt of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  after?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit!: number;
}
