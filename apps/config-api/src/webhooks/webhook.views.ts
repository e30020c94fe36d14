import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RETRY_POLICIES, type RetryPolicyName } from './webhook.dto';

/** Every secret value is shown as this mask. */
export const SECRET_MASK = '********';

export class WebhookAuthView {
  @ApiProperty({ enum: ['none', 'bearer', 'header', 'oauth2'] })
  type!: 'none' | 'bearer' | 'header' | 'oauth2';

  @ApiPropertyOptional({ example: SECRET_MASK, description: 'Masked (type bearer)' })
  token?: string;

  @ApiPropertyOptional({ type: String, example: 'X-Api-Key', nullable: true, description: 'Type header' })
  header_name?: string | null;

  @ApiPropertyOptional({ example: SECRET_MASK, description: 'Masked (type header)' })
  header_value?: string;

  @ApiPropertyOptional({ example: 'https://auth.example.com/oauth/token', description: 'Type oauth2' })
  token_url?: string;

  @ApiPropertyOptional({ example: 'wirehook', description: 'Type oauth2' })
  client_id?: string;

  @ApiPropertyOptional({ example: SECRET_MASK, description: 'Masked (type oauth2)' })
  client_secret?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'webhooks:write', description: 'Type oauth2' })
  scope?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: null, description: 'Type oauth2' })
  audience?: string | null;
}

/** What the API shows of an endpoint's client certificate; the certificate and its key are never returned. */
export class WebhookTlsClientView {
  @ApiProperty({ example: 'CN=wirehook client, O=Example' })
  subject!: string;

  @ApiProperty({ example: 'CN=Example Issuing CA' })
  issuer!: string;

  @ApiProperty({ format: 'date-time', description: 'When the certificate expires; deliveries fail with tls after it' })
  not_after!: string;

  @ApiProperty({ example: 'AB:CD:...', description: 'SHA-256 fingerprint of the certificate, colon-separated hex' })
  fingerprint_sha256!: string;
}

export class WebhookRetryView {
  @ApiPropertyOptional({ enum: RETRY_POLICIES, description: 'A preset; absent when schedule_ms is shown' })
  policy?: RetryPolicyName;

  @ApiPropertyOptional({ type: [Number], example: [1000, 10000, 60000], description: 'A custom schedule: delays before each retry, in ms' })
  schedule_ms?: number[];
}

/** A webhook endpoint as the API shows it: secret values are masked. */
export class WebhookView {
  @ApiProperty({ example: 'ep_5f1c0e8f3b2a4d6e9c7b' })
  id!: string;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty({ example: 'CRM sync' })
  description!: string;

  @ApiProperty({ type: [String], example: ['resume.*', 'transcript.created'] })
  events!: string[];

  @ApiProperty({ description: 'false while paused' })
  active!: boolean;

  @ApiProperty({ type: WebhookAuthView })
  auth!: WebhookAuthView;

  @ApiProperty({ type: WebhookTlsClientView, nullable: true, description: 'The client certificate presented for mutual TLS; null when none' })
  tls_client!: WebhookTlsClientView | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'http://user:********@proxy.example.com:3128',
    description: 'The per-endpoint proxy, password masked; null: the dispatcher-wide HTTPS_PROXY rules',
  })
  proxy_url!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'X-Team': SECRET_MASK },
    description: 'Custom header names; values masked',
  })
  headers!: Record<string, string>;

  @ApiProperty({ example: SECRET_MASK, description: 'Masked; GET /api/v1/webhooks/{id}/secret reveals it' })
  secret!: string;

  @ApiProperty({ example: 10000 })
  timeout_ms!: number;

  @ApiProperty({ type: WebhookRetryView })
  retry!: WebhookRetryView;

  @ApiProperty({ example: 10 })
  max_concurrency!: number;

  @ApiProperty({ type: Number, example: 50, nullable: true, description: 'Requests per second at most; null for no limit' })
  rate_limit!: number | null;

  @ApiProperty({ enum: ['tenantId', 'companyId'] })
  tenant_field!: 'tenantId' | 'companyId';

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why the dispatcher disabled the endpoint (410 Gone, failing too long)' })
  disabled_reason!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: null })
  disabled_at!: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ format: 'date-time' })
  updated_at!: string;
}

export class WebhookSecretView {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
  secret!: string;
}

export class RotatedSecretView extends WebhookSecretView {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until when the previous secret still signs (null without grace)' })
  previous_secret_expires_at!: string | null;
}
