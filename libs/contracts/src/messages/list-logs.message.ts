import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DELIVERY_STATUSES, type AttemptErrorCode, type AttemptTrigger, type DeliveryStatus } from '../enums';
import { IsEndpointId, IsTenantId } from '../identifiers';

/** Most webhooks a search text may resolve to. */
export const MAX_SEARCH_WEBHOOKS = 50;
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];
export const LOG_SORT_FIELDS = ['created_at', 'status', 'http_status'] as const;
export type LogSortField = (typeof LOG_SORT_FIELDS)[number];
export const LOG_VIEWS = ['attempts', 'deliveries'] as const;
export type LogView = (typeof LOG_VIEWS)[number];
export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 25;
/** Rows a list may reach by page number (`page` × `per_page`); deeper pages need `cursor`. */
export const MAX_PAGED_ROWS = 10_000;
/** Totals are counted exactly up to this many rows; above it `total_exact` is false. */
export const MAX_COUNTED_ROWS = 10_000;
/** Characters of a payload, response body or header block shown in a list row. */
export const LOG_PREVIEW_CHARS = 1024;
/** Longest `q`. */
export const MAX_SEARCH_LENGTH = 200;
/** Longest opaque cursor. */
export const MAX_CURSOR_LENGTH = 512;

/**
 * The filters every delivery-log request shares. The tenant comes from config-api's
 * authenticated caller, never from the public request.
 */
export class LogFilterMessage {
  @IsTenantId()
  tenantId!: string;

  @IsOptional()
  @IsEndpointId()
  webhookId?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(DELIVERY_STATUSES, { each: true })
  status?: DeliveryStatus[];

  @IsOptional()
  @IsIn(STATUS_CLASSES)
  statusClass?: StatusClass;

  /** An exact event type, or a prefix ending in `.` (`resume.`). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  event?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  /**
   * Search text: matched against endpoint names and URLs (resolved by config-api into
   * `qWebhookIds`), against the tenant's event types, and exactly against event ids, delivery
   * ids and identifier values. Never treated as a pattern.
   */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_LENGTH)
  q?: string;

  /** The tenant's webhooks whose name or URL contains `q` (config-api owns the endpoints). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SEARCH_WEBHOOKS)
  @IsEndpointId({ each: true })
  qWebhookIds?: string[];
}

/** Request for one page of delivery logs (pattern `rpc.log-service.v2.logs.list`, answered with a {@link LogRecordsPage}). */
export class ListLogsRequestMessage extends LogFilterMessage {
  /** One row per attempt, or one row per delivery with its latest state. */
  @IsIn(LOG_VIEWS)
  view!: LogView;

  /** Page number; `page` × `perPage` stays within {@link MAX_PAGED_ROWS}. Ignored with a cursor. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGED_ROWS)
  page!: number;

  /** Where the page starts: the `next_cursor` of the page before (opaque). */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  cursor?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  perPage!: number;

  @IsIn(LOG_SORT_FIELDS)
  sort!: LogSortField;

  @IsIn(['asc', 'desc'])
  order!: 'asc' | 'desc';
}

/** The start of a text a list row shows, cut by log-service so that the page fits its reply. */
export interface TextPreview {
  text: string;
  /** True when the whole text is longer than `text`. */
  cut: boolean;
}

/**
 * One attempt as log-service sends it for a list row: what it stored, with the payload, the
 * response body and the response headers cut to previews that fit the reply. config-api builds
 * the public {@link AttemptLogView} from it.
 */
export interface AttemptLogRecord {
  /** The attempt id (`<delivery id>_<attempt>`). */
  id: string;
  tenantId: string;
  /** Who published the event, when known. */
  clientId: string | null;
  endpointId: string;
  endpointName: string;
  endpointUrl: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  identifiers: Record<string, string>;
  attempt: number;
  trigger: AttemptTrigger;
  status: DeliveryStatus;
  /** Response status, or null when no response arrived. */
  httpStatus: number | null;
  error: { code: AttemptErrorCode; message: string } | null;
  /** The payload sent, as text. */
  payloadPreview: TextPreview;
  /** The response received; null when none arrived. */
  response: { bodyPreview: TextPreview; headers: Record<string, string>; headersCut: boolean } | null;
  durationMs: number;
  /** ISO instants, as every time in a record. */
  nextAttemptAt: string | null;
  completedAt: string;
  createdAt: string;
  /** The W3C trace id (32 hex) of the attempt; null outside a trace. */
  traceId: string | null;
}

/** One delivery with its latest state as log-service sends it; config-api builds the public {@link DeliveryLogView}. */
export interface DeliveryLogRecord {
  /** The delivery id. */
  id: string;
  tenantId: string;
  clientId: string | null;
  endpointId: string;
  endpointName: string;
  endpointUrl: string;
  eventId: string;
  eventType: string;
  identifiers: Record<string, string>;
  status: DeliveryStatus;
  /** Highest attempt number recorded; the state fields come from that attempt. */
  lastAttempt: number;
  lastAttemptId: string | null;
  httpStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * One page of delivery logs as log-service sends it: attempt records for `view=attempts`,
 * delivery records for `view=deliveries`. config-api adds the public pagination.
 */
export interface LogRecordsPage<T> {
  rows: T[];
  page: number;
  /** Rows matching, counted up to {@link MAX_COUNTED_ROWS}; absent when not counted. */
  total?: { count: number; exact: boolean };
  hasMore: boolean;
  /** Where the next page starts (opaque); null on the last page. */
  nextCursor: string | null;
}

export interface Pagination {
  current_page: number;
  per_page: number;
  total: number;
  last_page: number;
}

/** The pagination object of every list answer (field names follow the product notes). */
export function paginationOf(page: number, perPage: number, total: number): Pagination {
  return { current_page: page, per_page: perPage, total, last_page: Math.max(1, Math.ceil(total / perPage)) };
}

/**
 * Pagination of the delivery logs: the product notes' fields, with a total counted exactly up
 * to {@link MAX_COUNTED_ROWS} (`total_exact` false above it) and a keyset cursor for the next page.
 */
export interface LogPagination extends Pagination {
  total_exact: boolean;
  has_more: boolean;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

/** One attempt as shown by the logs API (field names follow the product notes); config-api builds it from an {@link AttemptLogRecord}. */
export interface AttemptLogView {
  id: string;
  /** The tenant (the product notes' company). */
  tenant_id: string;
  /** Who published the event (its `source`; `api-key:<id>` for HTTP ingest), when known. */
  client_id: string | null;
  webhook_id: string;
  webhook_name: string;
  url: string;
  delivery_id: string;
  event: string;
  event_id: string;
  identifiers: Record<string, string>;
  attempt: number;
  trigger: AttemptTrigger;
  status: DeliveryStatus;
  http_status: number | null;
  error: string | null;
  error_code: AttemptErrorCode | null;
  /** The payload sent: whole JSON when short, else its first {@link LOG_PREVIEW_CHARS} characters as text. */
  request_payload: unknown;
  request_payload_truncated: boolean;
  response_body: string | null;
  response_body_truncated: boolean;
  response_headers: Record<string, string> | null;
  response_headers_truncated: boolean;
  duration_ms: number;
  next_attempt_at: string | null;
  delivered_at: string;
  created_at: string;
  /** The W3C trace id (32 hex) the attempt belongs to; null when it was made outside a trace. */
  trace_id: string | null;
}

/** One delivery (event × endpoint) with its latest state. */
export interface DeliveryLogView {
  id: string;
  tenant_id: string;
  client_id: string | null;
  webhook_id: string;
  webhook_name: string;
  url: string;
  event: string;
  event_id: string;
  identifiers: Record<string, string>;
  status: DeliveryStatus;
  attempts: number;
  retry_count: number;
  http_status: number | null;
  last_error: string | null;
  last_attempt_id: string;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface LogsPage<T> {
  data: T[];
  pagination: LogPagination;
}
