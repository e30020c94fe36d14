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
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import {
  EVENT_PATTERN_PATTERN,
  IsOptionalNotNull,
  MAX_CUSTOM_HEADERS,
  OAUTH2_FIELD_MAX_LENGTH,
  TLS_PEM_MAX_LENGTH,
  headerNameProblem,
  headerValueProblem,
} from '@wirehook/contracts';

export const RETRY_POLICIES = ['default', 'quick', 'none'] as const;
export type RetryPolicyName = (typeof RETRY_POLICIES)[number];
/** OAuth2 client ids, secrets, scopes and audiences: visible ASCII and spaces (RFC 6749 allows no more). */
const OAUTH2_TEXT_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${OAUTH2_FIELD_MAX_LENGTH}}$`);
/** Highest `page` of the webhook list (a tenant has at most a few dozen webhooks). */
export const MAX_LIST_PAGE = 10_000;

/** A header name an endpoint may configure for `use`; the message says why another is refused. */
function IsConfigurableHeaderName(use: 'header' | 'auth', options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isConfigurableHeaderName',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && headerNameProblem(value, use) === undefined,
        defaultMessage: (args) =>
          `${args?.property}: ${typeof args?.value === 'string' ? headerNameProblem(args.value, use) : 'must be a header name such as X-Webhook-Secret'}`,
      },
    },
    options,
  );
}

/** A string that can be sent as a header value (Latin-1 without control characters, bounded). */
function IsHeaderValue(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isHeaderValue',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.length > 0 && headerValueProblem(value) === undefined,
        defaultMessage: (args) =>
          `${args?.property} ${typeof args?.value === 'string' && args.value.length > 0 ? headerValueProblem(args.value) : 'must be a non-empty string'}`,
      },
    },
    options,
  );
}

/** The first problem of a custom header map, or undefined when every entry may be sent. */
function customHeadersProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of header names and string values';
  const entries = Object.entries(value);
  if (entries.length > MAX_CUSTOM_HEADERS) return `may hold at most ${MAX_CUSTOM_HEADERS} headers`;
  for (const [name, entry] of entries) {
    const nameProblem = headerNameProblem(name, 'header');
    if (nameProblem) return nameProblem;
    if (typeof entry !== 'string') return `'${name}' must have a string value`;
    const valueProblem = headerValueProblem(entry);
    if (valueProblem) return `'${name}' value ${valueProblem}`;
  }
  return undefined;
}

function IsCustomHeaders(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isCustomHeaders',
      validator: {
        validate: (value: unknown) => customHeadersProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property}: ${customHeadersProblem(args?.value)}`,
      },
    },
    options,
  );
}

export class WebhookAuthDto {
  @ApiProperty({ enum: ['none', 'bearer', 'header', 'oauth2'] })
  @IsIn(['none', 'bearer', 'header', 'oauth2'], { message: 'auth.type must be one of none, bearer, header, oauth2' })
  type!: 'none' | 'bearer' | 'header' | 'oauth2';

  @ApiPropertyOptional({ description: 'Token sent as Authorization: Bearer <token> (type bearer).' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'bearer')
  @IsString({ message: 'auth.token is required for bearer auth' })
  @IsHeaderValue()
  token?: string;

  @ApiPropertyOptional({
    example: 'X-Webhook-Secret',
    description:
      'Header name (type header); any name except those the platform sends itself (webhook-*, X-Webhook-Event/-Timestamp/-Signature, Content-Type, User-Agent) and connection headers.',
  })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'header')
  @IsString({ message: 'auth.header_name is required for header auth' })
  @IsConfigurableHeaderName('auth')
  header_name?: string;

  @ApiPropertyOptional({ description: 'Header value (type header): Latin-1 text without CR, LF or NUL, at most 4096 characters.' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'header')
  @IsString({ message: 'auth.header_value is required for header auth' })
  @IsHeaderValue()
  header_value?: string;

  @ApiPropertyOptional({
    example: 'https://auth.example.com/oauth/token',
    description: 'Type oauth2: the token endpoint (client credentials grant); checked as endpoint URLs are (HTTPS, a public address).',
  })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'oauth2')
  @IsString({ message: 'auth.token_url is required for oauth2 auth' })
  @MaxLength(2048, { message: 'auth.token_url must be at most 2048 characters' })
  token_url?: string;

  @ApiPropertyOptional({ example: 'wirehook', description: 'Type oauth2: the client id.' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'oauth2')
  @IsString({ message: 'auth.client_id is required for oauth2 auth' })
  @Matches(OAUTH2_TEXT_PATTERN, { message: `auth.client_id must be 1 to ${OAUTH2_FIELD_MAX_LENGTH} printable characters` })
  client_id?: string;

  @ApiPropertyOptional({ description: 'Type oauth2: the client secret; stored encrypted, never returned.' })
  @ValidateIf((auth: WebhookAuthDto) => auth.type === 'oauth2')
  @IsString({ message: 'auth.client_secret is required for oauth2 auth' })
  @Matches(OAUTH2_TEXT_PATTERN, { message: `auth.client_secret must be 1 to ${OAUTH2_FIELD_MAX_LENGTH} printable characters` })
  client_secret?: string;

  @ApiPropertyOptional({ example: 'webhooks:write', description: 'Type oauth2: the scope to ask for (space-separated), if any.' })
  @IsOptional()
  @IsString()
  @Matches(OAUTH2_TEXT_PATTERN, { message: `auth.scope must be 1 to ${OAUTH2_FIELD_MAX_LENGTH} printable characters` })
  scope?: string;

  @ApiPropertyOptional({ example: 'https://api.example.com', description: 'Type oauth2: the audience to ask for, if any (Auth0, Okta).' })
  @IsOptional()
  @IsString()
  @Matches(OAUTH2_TEXT_PATTERN, { message: `auth.audience must be 1 to ${OAUTH2_FIELD_MAX_LENGTH} printable characters` })
  audience?: string;
}

export class WebhookTlsClientDto {
  @ApiProperty({
    example: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n',
    description: `PEM client certificate, leaf first, then any intermediates (at most ${TLS_PEM_MAX_LENGTH} characters); must not be expired.`,
  })
  @IsString({ message: 'tls_client.certificate is required: the PEM client certificate' })
  @MaxLength(TLS_PEM_MAX_LENGTH, { message: `tls_client.certificate must be at most ${TLS_PEM_MAX_LENGTH} characters` })
  certificate!: string;

  @ApiProperty({
    example: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n',
    description: 'PEM private key of the certificate, not encrypted with a passphrase; stored encrypted, never returned.',
  })
  @IsString({ message: 'tls_client.private_key is required: the PEM private key of the certificate' })
  @MaxLength(TLS_PEM_MAX_LENGTH, { message: `tls_client.private_key must be at most ${TLS_PEM_MAX_LENGTH} characters` })
  private_key!: string;
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

/**
 * Settings shared by create and update, all optional. `null` clears the optional ones
 * (description, auth, tls_client, proxy_url, headers, rate_limit) and is refused for the others.
 */
export class WebhookSettingsDto {
  @ApiPropertyOptional({ type: String, example: 'CRM sync', nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ description: 'false pauses deliveries without deleting anything' })
  @IsOptionalNotNull()
  @IsBoolean({ message: 'active must be true or false' })
  active?: boolean;

  @ApiPropertyOptional({ type: WebhookAuthDto, nullable: true, description: 'null (or type none) removes auth' })
  @IsOptional()
  @IsObject({ message: 'auth must be an object such as { "type": "bearer", "token": "..." }' })
  @ValidateNested()
  @Type(() => WebhookAuthDto)
  auth?: WebhookAuthDto | null;

  @ApiPropertyOptional({ type: WebhookTlsClientDto, nullable: true, description: 'Client certificate for endpoints that require mutual TLS; null removes it.' })
  @IsOptional()
  @IsObject({
    message: 'tls_client must be an object such as { "certificate": "-----BEGIN CERTIFICATE-----...", "private_key": "-----BEGIN PRIVATE KEY-----..." }',
  })
  @ValidateNested()
  @Type(() => WebhookTlsClientDto)
  tls_client?: WebhookTlsClientDto | null;

  @ApiPropertyOptional({
    type: String,
    example: 'http://user:password@proxy.example.com:3128',
    nullable: true,
    description:
      "An http:// or https:// proxy this endpoint's requests go through (CONNECT tunnel), instead of the dispatcher's HTTPS_PROXY; credentials in it are stored encrypted. null removes it.",
  })
  @IsOptional()
  @IsString({ message: 'proxy_url must be a URL such as http://proxy.example.com:3128' })
  @MaxLength(2048, { message: 'proxy_url must be at most 2048 characters' })
  proxy_url?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'X-Team': 'billing' },
    nullable: true,
    description: `At most ${MAX_CUSTOM_HEADERS}; values Latin-1 without CR, LF or NUL, at most 4096 characters; not the names the platform sends or connection headers. null removes them all.`,
  })
  @IsOptional()
  @IsCustomHeaders()
  headers?: Record<string, string> | null;

  @ApiPropertyOptional({ example: 10000, minimum: 1000, maximum: 30000 })
  @IsOptionalNotNull()
  @IsInt({ message: 'timeout_ms must be between 1000 and 30000' })
  @Min(1000, { message: 'timeout_ms must be between 1000 and 30000' })
  @Max(30000, { message: 'timeout_ms must be between 1000 and 30000' })
  timeout_ms?: number;

  @ApiPropertyOptional({ type: WebhookRetryDto })
  @IsOptionalNotNull()
  @IsObject({ message: 'retry must be an object such as { "policy": "quick" } or { "schedule_ms": [1000, 5000] }' })
  @ValidateNested()
  @Type(() => WebhookRetryDto)
  retry?: WebhookRetryDto;

  @ApiPropertyOptional({ example: 10, minimum: 1, maximum: 100 })
  @IsOptionalNotNull()
  @IsInt({ message: 'max_concurrency must be between 1 and 100' })
  @Min(1, { message: 'max_concurrency must be between 1 and 100' })
  @Max(100, { message: 'max_concurrency must be between 1 and 100' })
  max_concurrency?: number;

  @ApiPropertyOptional({ type: Number, example: 50, nullable: true, description: 'Requests per second at most; absent or null for no limit.' })
  @IsOptional()
  @IsInt({ message: 'rate_limit must be between 1 and 10000 requests per second' })
  @Min(1, { message: 'rate_limit must be between 1 and 10000 requests per second' })
  @Max(10000, { message: 'rate_limit must be between 1 and 10000 requests per second' })
  rate_limit?: number | null;

  @ApiPropertyOptional({ enum: ['tenantId', 'companyId'], description: 'Name of the tenant field in the payload.' })
  @IsOptionalNotNull()
  @IsIn(['tenantId', 'companyId'], { message: 'tenant_field must be tenantId or companyId' })
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
  @IsOptionalNotNull()
  @IsString({ message: 'url must be a string: the HTTPS address deliveries are sent to' })
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ type: [String], example: ['resume.*', 'transcript.created'] })
  @IsOptionalNotNull()
  @IsArray({ message: 'events must be a list of event types or patterns' })
  @ArrayMinSize(1, { message: 'events must list at least one event type or pattern' })
  @ArrayMaxSize(100)
  @MaxLength(200, { each: true })
  @Matches(EVENT_PATTERN_PATTERN, { each: true, message: 'each of events must be an event type, a pattern such as resume.*, or *' })
  events?: string[];
}

export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIST_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `page must be an integer between 1 and ${MAX_LIST_PAGE}` })
  @Min(1, { message: `page must be an integer between 1 and ${MAX_LIST_PAGE}` })
  @Max(MAX_LIST_PAGE, { message: `page must be an integer between 1 and ${MAX_LIST_PAGE}` })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
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
