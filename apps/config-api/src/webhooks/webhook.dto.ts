import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EVENT_PATTERN_PATTERN, IsStringRecord } from '@wirehook/contracts';

export const RETRY_POLICIES = ['default', 'quick', 'none'] as const;
export type RetryPolicyName = (typeof RETRY_POLICIES)[number];
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

export class WebhookAuthDto {
  @ApiProperty({ enum: ['none', 'bearer', 'header'] })
  @IsIn(['none', 'bearer', 'header'], { message: 'auth.type must be one of none, bearer, header' })
  type!: 'none' | 'bearer' | 'header';

  @ApiPropertyOptional({ description: 'Token sent as Authorization: Bearer <token> (type bearer).' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'bearer')
  @IsString({ message: 'auth.token is required for bearer auth' })
  @MinLength(1)
  @MaxLength(4096)
  token?: string;

  @ApiPropertyOptional({ example: 'X-Webhook-Secret', description: 'Header name (type header).' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'header')
  @Matches(HEADER_NAME, { message: 'auth.header_name must be a valid HTTP header name' })
  header_name?: string;

  @ApiPropertyOptional({ description: 'Header value (type header).' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'header')
  @IsString({ message: 'auth.header_value is required for header auth' })
  @MinLength(1)
  @MaxLength(4096)
  header_value?: string;
}

export class WebhookRetryDto {
  @ApiPropertyOptional({ enum: RETRY_POLICIES, description: 'default: 5s, 5m, 30m, 2h, 5h, 10h, 10h; quick: 200ms, 400ms, 800ms; none: no retries' })
  @IsOptional()
  @IsIn(RETRY_POLICIES, { message: `retry.policy must be one of ${RETRY_POLICIES.join(', ')}` })
  policy?: RetryPolicyName;

  @ApiPropertyOptional({ type: [Number], example: [1000, 10000, 60000], description: 'Delays before each retry, in ms (100 ms to 24 h, at most 20).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt({ each: true, message: 'retry.schedule_ms must hold integers' })
  @Min(100, { each: true, message: 'retry.schedule_ms delays must be at least 100 ms' })
  @Max(86_400_000, { each: true, message: 'retry.schedule_ms delays must be at most 24 h' })
  schedule_ms?: number[];
}

/** Settings shared by create and update, all optional. */
export class WebhookSettingsDto {
  @ApiPropertyOptional({ example: 'CRM sync' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string;

  @ApiPropertyOptional({ description: 'false pauses deliveries without deleting anything' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: WebhookAuthDto })
  @IsOptional()
  @IsObject({ message: 'auth must be an object such as { "type": "bearer", "token": "..." }' })
  @ValidateNested()
  @Type(() => WebhookAuthDto)
  auth?: WebhookAuthDto;

  @ApiPropertyOptional({ example: { 'X-Team': 'billing' } })
  @IsOptional()
  @IsStringRecord(20, 4096)
  headers?: Record<string, string>;

  @ApiPropertyOptional({ example: 10000, minimum: 1000, maximum: 30000 })
  @IsOptional()
  @IsInt()
  @Min(1000, { message: 'timeout_ms must be between 1000 and 30000' })
  @Max(30000, { message: 'timeout_ms must be between 1000 and 30000' })
  timeout_ms?: number;

  @ApiPropertyOptional({ type: WebhookRetryDto })
  @IsOptional()
  @IsObject({ message: 'retry must be an object such as { "policy": "quick" } or { "schedule_ms": [1000, 5000] }' })
  @ValidateNested()
  @Type(() => WebhookRetryDto)
  retry?: WebhookRetryDto;

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'max_concurrency must be between 1 and 100' })
  @Max(100, { message: 'max_concurrency must be between 1 and 100' })
  max_concurrency?: number;

  @ApiPropertyOptional({ example: 50, description: 'Requests per second at most; absent for no limit.' })
  @IsOptional()
  @IsInt()
  @Min(1, { message: 'rate_limit must be between 1 and 10000 requests per second' })
  @Max(10000, { message: 'rate_limit must be between 1 and 10000 requests per second' })
  rate_limit?: number;

  @ApiPropertyOptional({ enum: ['tenantId', 'companyId'], description: 'Name of the tenant field in the payload.' })
  @IsOptional()
  @IsIn(['tenantId', 'companyId'])
  tenant_field?: 'tenantId' | 'companyId';
}

export class CreateWebhookDto extends WebhookSettingsDto {
  @ApiProperty({ example: 'https://example.com/webhooks' })
  @IsString({ message: 'url is required: the HTTPS address deliveries are sent to' })
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ type: [String], example: ['resume.*', 'transcript.created'] })
  @IsArray({ message: 'events is required: a list of event types or patterns' })
  @ArrayMinSize(1, { message: 'events must list at least one event type or pattern' })
  @ArrayMaxSize(100)
  @MaxLength(200, { each: true })
  @Matches(EVENT_PATTERN_PATTERN, { each: true, message: 'each of events must be an event type, a pattern such as resume.*, or *' })
  events!: string[];

  @ApiPropertyOptional({ description: 'A whsec_ secret to use instead of a generated one.' })
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, { message: 'secret must be whsec_ followed by base64 of 24-64 bytes' })
  secret?: string;
}

/** A partial update; absent fields keep their value. */
export class UpdateWebhookDto extends WebhookSettingsDto {
  @ApiPropertyOptional({ example: 'https://example.com/webhooks' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['resume.*', 'transcript.created'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, { message: 'events must list at least one event type or pattern' })
  @ArrayMaxSize(100)
  @MaxLength(200, { each: true })
  @Matches(EVENT_PATTERN_PATTERN, { each: true, message: 'each of events must be an event type, a pattern such as resume.*, or *' })
  events?: string[];
}

export class ListQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer of at least 1' })
  @Min(1, { message: 'page must be an integer of at least 1' })
  page?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'per_page must be an integer between 1 and 100' })
  @Min(1, { message: 'per_page must be an integer between 1 and 100' })
  @Max(100, { message: 'per_page must be an integer between 1 and 100' })
  per_page?: number;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ example: 86400, default: 86400, description: 'How long the previous secret keeps signing, in seconds (0 to 7 days).' })
  @IsOptional()
  @IsInt({ message: 'grace_period_seconds must be an integer between 0 and 604800' })
  @Min(0, { message: 'grace_period_seconds must be an integer between 0 and 604800' })
  @Max(604800, { message: 'grace_period_seconds must be an integer between 0 and 604800' })
  grace_period_seconds?: number;

  @ApiPropertyOptional({ description: 'A whsec_ secret to use instead of a generated one.' })
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, { message: 'secret must be whsec_ followed by base64 of 24-64 bytes' })
  secret?: string;
}
