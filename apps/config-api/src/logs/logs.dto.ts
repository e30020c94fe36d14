import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  DELIVERY_STATUSES,
  ENDPOINT_ID_PATTERN,
  LOG_SORT_FIELDS,
  LOG_VIEWS,
  MAX_CURSOR_LENGTH,
  MAX_PAGED_ROWS,
  MAX_PER_PAGE,
  MAX_SEARCH_LENGTH,
  STATUS_CLASSES,
  type DeliveryStatus,
} from '@wirehook/contracts';

const SORTS = LOG_SORT_FIELDS.flatMap((field) => [field, `-${field}`, `${field}:asc`, `${field}:desc`]);

/** Filters shared by the delivery-log lists and exports; unknown parameters are refused. */
export class LogFilterQueryDto {
  @ApiPropertyOptional({ description: 'One status or several, comma-separated', example: 'failed,retrying' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value))
  @IsArray()
  @ArrayMaxSize(4)
  @IsIn(DELIVERY_STATUSES, { each: true, message: `status must be one or more of ${DELIVERY_STATUSES.join(', ')}` })
  status?: DeliveryStatus[];

  @ApiPropertyOptional({ enum: STATUS_CLASSES })
  @IsOptional()
  @IsIn(STATUS_CLASSES, { message: `status_class must be one of ${STATUS_CLASSES.join(', ')}` })
  status_class?: (typeof STATUS_CLASSES)[number];

  @ApiPropertyOptional({ description: 'Exact event type, or a prefix written resume. or resume.*', example: 'resume.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  event?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-31T23:59:59Z', description: 'Inclusive; a date without a time stands for the whole day' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({
    description:
      'Search: webhooks whose name or URL contains the text, event types containing it (case-insensitive), and exact event ids, delivery ids (webhook-id) and identifier values',
    example: 'batch-42',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_SEARCH_LENGTH, { message: `q must be at most ${MAX_SEARCH_LENGTH} characters` })
  q?: string;

  @ApiPropertyOptional({ description: 'Only this webhook (on routes that list the whole tenant)' })
  @IsOptional()
  @Matches(ENDPOINT_ID_PATTERN, { message: 'webhook_id must be a webhook id (ep_...)' })
  webhook_id?: string;
}

/** Query parameters of the delivery log lists. */
export class LogsQueryDto extends LogFilterQueryDto {
  @ApiPropertyOptional({ default: 1, description: `Page number, while page × per_page ≤ ${MAX_PAGED_ROWS}; past that, use cursor` })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer of at least 1' })
  @Min(1, { message: 'page must be an integer of at least 1' })
  page?: number;

  @ApiPropertyOptional({ description: 'Continue after the previous page: its pagination.next_cursor, unchanged (instead of page)' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH, { message: 'cursor is not a cursor of this API; pass the next_cursor of the previous page unchanged' })
  cursor?: string;

  @ApiPropertyOptional({ default: 25, minimum: 1, maximum: MAX_PER_PAGE })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `per_page must be an integer between 1 and ${MAX_PER_PAGE}` })
  @Min(1, { message: `per_page must be an integer between 1 and ${MAX_PER_PAGE}` })
  @Max(MAX_PER_PAGE, { message: `per_page must be an integer between 1 and ${MAX_PER_PAGE}` })
  per_page?: number;

  @ApiPropertyOptional({
    example: '-created_at',
    description: `${LOG_SORT_FIELDS.join(', ')}; prefix - or suffix :desc for descending (the exact reverse of ascending, whose ties are newest first)`,
  })
  @IsOptional()
  @IsIn(SORTS, { message: `sort must be one of ${LOG_SORT_FIELDS.join(', ')} (prefix - or suffix :asc/:desc)` })
  sort?: string;

  @ApiPropertyOptional({ enum: LOG_VIEWS, default: 'attempts', description: 'One row per attempt, or one per delivery' })
  @IsOptional()
  @IsIn(LOG_VIEWS, { message: `view must be one of ${LOG_VIEWS.join(', ')}` })
  view?: (typeof LOG_VIEWS)[number];
}

/** The window of a stats request; default the last 24 hours, at most 31 days. */
export class StatsQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01T00:00:00Z', description: 'Default: 24 hours before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-01-02T00:00:00Z', description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only this webhook (GET /stats)' })
  @IsOptional()
  @Matches(ENDPOINT_ID_PATTERN, { message: 'webhook_id must be a webhook id (ep_...)' })
  webhook_id?: string;
}

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;

/** Filters of an export; rows come oldest first. */
export class ExportQueryDto extends LogFilterQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'ndjson' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
  format?: (typeof EXPORT_FORMATS)[number];
}
