import { ApiProperty } from '@nestjs/swagger';
import {
  ATTEMPT_ERROR_CODES,
  ATTEMPT_TRIGGERS,
  DELIVERY_STATUSES,
  LOG_PREVIEW_CHARS,
  type AttemptErrorCode,
  type AttemptLogView,
  type AttemptTrigger,
  type DeliveryLogView,
  type DeliveryStatus,
  type LogDetailView,
  type LogPagination,
  type LogStatsView,
} from '@wirehook/contracts';
import { PaginationView } from '../api-docs/api-responses';

// The classes here document the answers of the log routes; `implements` keeps each in step with
// the contract view type the answer is built as (log-view-builder.ts, from log-service's records).

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;
const EXAMPLE_ATTEMPT_ID = 'msg_2n4f8h1k3m5p7r9t0v2x4z6b8d_1';
const EXAMPLE_DELIVERY_ID = 'msg_2n4f8h1k3m5p7r9t0v2x4z6b8d';

export class LogPaginationView extends PaginationView implements LogPagination {
  @ApiProperty({ description: 'false when total is a lower bound (shown as "10,000+")' })
  total_exact!: boolean;

  @ApiProperty()
  has_more!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last page' })
  next_cursor!: string | null;
}

/** What an attempt and the delivery it belongs to have in common. */
class LoggedDeliveryFields {
  @ApiProperty({ example: 'acme' })
  tenant_id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'billing-service', description: "The event's source; api-key:<id> for HTTP ingest" })
  client_id!: string | null;

  @ApiProperty({ example: 'ep_5f1c0e8f3b2a4d6e9c7b' })
  webhook_id!: string;

  @ApiProperty({ example: 'CRM sync' })
  webhook_name!: string;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty({ example: 'resume.bulk_upload_parse.started' })
  event!: string;

  @ApiProperty({ example: 'batch-42-started' })
  event_id!: string;

  @ApiProperty({ ...STRING_MAP, example: { batchId: 'batch-42' } })
  identifiers!: Record<string, string>;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @ApiProperty({ type: Number, nullable: true, example: 200 })
  http_status!: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  next_attempt_at!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

/** One attempt as listed. */
export class AttemptLogResponse extends LoggedDeliveryFields implements AttemptLogView {
  @ApiProperty({ example: EXAMPLE_ATTEMPT_ID })
  id!: string;

  @ApiProperty({ example: EXAMPLE_DELIVERY_ID })
  delivery_id!: string;

  @ApiProperty({ example: 1 })
  attempt!: number;

  @ApiProperty({ enum: ATTEMPT_TRIGGERS })
  trigger!: AttemptTrigger;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ enum: ATTEMPT_ERROR_CODES, nullable: true })
  error_code!: AttemptErrorCode | null;

  @ApiProperty({
    oneOf: [{ type: 'object', additionalProperties: true }, { type: 'array', items: {} }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }],
    nullable: true,
    description: `The payload sent: whole JSON when short, else its first ${LOG_PREVIEW_CHARS} characters as text`,
  })
  request_payload!: unknown;

  @ApiProperty()
  request_payload_truncated!: boolean;

  @ApiProperty({ type: String, nullable: true })
  response_body!: string | null;

  @ApiProperty()
  response_body_truncated!: boolean;

  @ApiProperty({ ...STRING_MAP, nullable: true })
  response_headers!: Record<string, string> | null;

  @ApiProperty()
  response_headers_truncated!: boolean;

  @ApiProperty({ example: 143 })
  duration_ms!: number;

  @ApiProperty({ format: 'date-time' })
  delivered_at!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '4bf92f3577b34da6a3ce929d0e0e4736',
    description:
      "W3C trace id (32 hex) of the trace the attempt belongs to (the publisher's traceparent, or a trace of wirehook's own when it exports spans); null outside a trace",
  })
  trace_id!: string | null;
}

/** One delivery (event × endpoint) with its latest state, as listed with view=deliveries. */
export class DeliveryLogResponse extends LoggedDeliveryFields implements DeliveryLogView {
  @ApiProperty({ example: EXAMPLE_DELIVERY_ID })
  id!: string;

  @ApiProperty({ example: 2 })
  attempts!: number;

  @ApiProperty({ example: 1 })
  retry_count!: number;

  @ApiProperty({ type: String, nullable: true })
  last_error!: string | null;

  @ApiProperty({ example: 'msg_2n4f8h1k3m5p7r9t0v2x4z6b8d_2' })
  last_attempt_id!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

class SentRequestView {
  @ApiProperty({ example: 'POST' })
  method!: string;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty(STRING_MAP)
  headers!: Record<string, string>;

  @ApiProperty({ description: 'The whole body sent' })
  body!: string;
}

class ReceivedResponseView {
  @ApiProperty({ example: 200 })
  status!: number;

  @ApiProperty(STRING_MAP)
  headers!: Record<string, string>;

  @ApiProperty({ description: 'The body received, as far as it was kept' })
  body!: string;

  @ApiProperty({ description: 'true when the receiver sent more than was kept' })
  body_truncated!: boolean;
}

class DetailDeliveryView {
  @ApiProperty({ example: EXAMPLE_DELIVERY_ID })
  id!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: string;

  @ApiProperty({ example: 2 })
  attempts!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  next_attempt_at!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

class TimelineEntryView {
  @ApiProperty({ example: EXAMPLE_ATTEMPT_ID })
  id!: string;

  @ApiProperty({ example: 1 })
  attempt!: number;

  @ApiProperty({ enum: ATTEMPT_TRIGGERS })
  trigger!: AttemptTrigger;

  @ApiProperty({ enum: DELIVERY_STATUSES })
  status!: DeliveryStatus;

  @ApiProperty({ type: Number, nullable: true })
  http_status!: number | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ enum: ATTEMPT_ERROR_CODES, nullable: true })
  error_code!: AttemptErrorCode | null;

  @ApiProperty({ example: 143 })
  duration_ms!: number;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;
}

/** One attempt in full, with every attempt of its delivery. */
export class LogDetailResponse extends AttemptLogResponse implements LogDetailView {
  @ApiProperty({ type: SentRequestView })
  request!: SentRequestView;

  @ApiProperty({ type: ReceivedResponseView, nullable: true, description: 'null when no response came (timeout, connection error)' })
  response!: ReceivedResponseView | null;

  @ApiProperty({ type: DetailDeliveryView, nullable: true })
  delivery!: DetailDeliveryView | null;

  @ApiProperty({ type: [TimelineEntryView], description: 'Every attempt of the delivery, first attempt first' })
  timeline!: TimelineEntryView[];
}

class StatsWindowView {
  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;
}

class StatsTotalsView {
  @ApiProperty()
  attempts!: number;

  @ApiProperty()
  success!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  retrying!: number;
}

class StatusClassCountsView {
  @ApiProperty({ name: '2xx' })
  '2xx'!: number;

  @ApiProperty({ name: '3xx' })
  '3xx'!: number;

  @ApiProperty({ name: '4xx' })
  '4xx'!: number;

  @ApiProperty({ name: '5xx' })
  '5xx'!: number;

  @ApiProperty({ description: 'Attempts that got no response' })
  none!: number;
}

class DurationStatsView {
  @ApiProperty({ type: Number, nullable: true })
  avg!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  p50!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  p95!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  p99!: number | null;

  @ApiProperty({ description: 'The percentiles come from a histogram: within this fraction of the exact values' })
  percentile_error!: number;
}

class EventCountView {
  @ApiProperty({ example: 'resume.created' })
  event!: string;

  @ApiProperty()
  count!: number;
}

class ErrorCodeCountView {
  @ApiProperty({ example: 'timeout' })
  code!: string;

  @ApiProperty()
  count!: number;
}

class HourBucketView {
  @ApiProperty({ format: 'date-time' })
  start!: string;

  @ApiProperty()
  attempts!: number;

  @ApiProperty()
  success!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "p95 duration of the hour's attempts in ms, within percentile_error (null without attempts)",
    example: 180,
  })
  p95_ms!: number | null;
}

/** Statistics of the whole hours a window touches. */
export class LogStatsResponse implements LogStatsView {
  @ApiProperty({ type: StatsWindowView, description: 'The hours counted' })
  window!: StatsWindowView;

  @ApiProperty({ type: StatsTotalsView })
  totals!: StatsTotalsView;

  @ApiProperty({ type: Number, nullable: true, description: 'Successful attempts over all attempts, 0..1 (null without attempts)' })
  success_rate!: number | null;

  @ApiProperty({ type: StatusClassCountsView })
  by_status_class!: StatusClassCountsView;

  @ApiProperty({ type: DurationStatsView })
  duration_ms!: DurationStatsView;

  @ApiProperty({ type: [EventCountView] })
  top_events!: EventCountView[];

  @ApiProperty({ type: [ErrorCodeCountView] })
  top_error_codes!: ErrorCodeCountView[];

  @ApiProperty({ type: [HourBucketView], description: 'Attempts, successes and p95 duration per hour (hours without attempts are listed with zeros)' })
  buckets!: HourBucketView[];
}
