import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { paginationOf } from '@wirehook/contracts';
import { ApiData, ApiErrors, PaginationView } from '../api-docs/api-responses';
import { Access, TenantId } from '../auth/access.decorator';
import type { EndpointDocument } from './endpoint.schema';
import { CreateWebhookDto, ListQueryDto, RotateSecretDto, UpdateWebhookDto } from './webhook.dto';
import { WebhookService } from './webhook.service';
import { RotatedSecretView, SECRET_MASK, WebhookSecretView, WebhookView, type WebhookAuthView } from './webhook.views';

const DEFAULT_GRACE_SECONDS = 24 * 60 * 60;

function authView(auth: EndpointDocument['auth']): WebhookAuthView {
  if (!auth) return { type: 'none' };
  if (auth.type === 'bearer') return { type: 'bearer', token: SECRET_MASK };
  if (auth.type === 'header') return { type: 'header', header_name: auth.headerName, header_value: SECRET_MASK };
  return {
    type: 'oauth2',
    token_url: auth.tokenUrl,
    client_id: auth.clientId,
    client_secret: SECRET_MASK,
    scope: auth.scope ?? null,
    audience: auth.audience ?? null,
  };
}

/** An endpoint as the API shows it: secret values are never returned here. */
export function webhookView(endpoint: EndpointDocument): WebhookView {
  return {
    id: endpoint._id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    active: endpoint.active,
    auth: authView(endpoint.auth),
    tls_client: endpoint.tlsClient
      ? {
          subject: endpoint.tlsClient.subject,
          issuer: endpoint.tlsClient.issuer,
          not_after: endpoint.tlsClient.notAfter.toISOString(),
          fingerprint_sha256: endpoint.tlsClient.fingerprint256,
        }
      : null,
    proxy_url: endpoint.proxy?.maskedUrl ?? null,
    headers: Object.fromEntries(Object.keys(endpoint.encryptedHeaders).map((name) => [name, SECRET_MASK])),
    secret: SECRET_MASK,
    timeout_ms: endpoint.timeoutMs,
    retry: endpoint.retryPolicy
      ? { policy: endpoint.retryPolicy }
      : endpoint.retryScheduleMs
        ? { schedule_ms: endpoint.retryScheduleMs }
        : { policy: 'default' },
    max_concurrency: endpoint.maxConcurrency,
    rate_limit: endpoint.rateLimitPerSecond,
    tenant_field: endpoint.tenantField,
    disabled_reason: endpoint.disabledReason ?? null,
    disabled_at: endpoint.disabledAt?.toISOString() ?? null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @Access('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a webhook endpoint' })
  @ApiData(201, WebhookView, { description: 'Created' })
  @ApiErrors(400, 403)
  async create(@TenantId() tenantId: string, @Body() body: CreateWebhookDto) {
    return { success: true, data: webhookView(await this.webhooks.create(tenantId, body)) };
  }

  @Get()
  @Access('viewer')
  @ApiOperation({ summary: 'List webhook endpoints' })
  @ApiData(200, WebhookView, { list: true, pagination: PaginationView })
  @ApiErrors(400)
  async list(@TenantId() tenantId: string, @Query() query: ListQueryDto) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const { rows, total } = await this.webhooks.list(tenantId, page, perPage);
    return {
      success: true,
      data: rows.map(webhookView),
      pagination: paginationOf(page, perPage, total),
    };
  }

  @Get(':id')
  @Access('viewer')
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  @ApiData(200, WebhookView)
  @ApiErrors(404)
  async get(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: webhookView(await this.webhooks.get(tenantId, id)) };
  }

  @Patch(':id')
  @Access('admin')
  @ApiOperation({ summary: 'Update a webhook endpoint (active: false pauses it)' })
  @ApiData(200, WebhookView, { description: 'Updated' })
  @ApiErrors(400, 403, 404)
  async update(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: UpdateWebhookDto) {
    return { success: true, data: webhookView(await this.webhooks.update(tenantId, id, body)) };
  }

  @Delete(':id')
  @Access('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(403, 404)
  async remove(@TenantId() tenantId: string, @Param('id') id: string): Promise<void> {
    await this.webhooks.delete(tenantId, id);
  }

  @Post(':id/secret/rotate')
  @Access('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the signing secret; the previous one keeps signing during the grace period' })
  @ApiData(200, RotatedSecretView, { description: 'The new secret' })
  @ApiErrors(400, 403, 404)
  async rotate(@TenantId() tenantId: string, @Param('id') id: string, @Body() body: RotateSecretDto) {
    const grace = body.grace_period_seconds ?? DEFAULT_GRACE_SECONDS;
    const { endpoint, secret } = await this.webhooks.rotateSecret(tenantId, id, grace, body.secret);
    const previousUntil = endpoint.secrets[1]?.expiresAt?.toISOString() ?? null;
    return { success: true, data: { secret, previous_secret_expires_at: previousUntil } };
  }

  @Get(':id/secret')
  @Access('admin')
  @ApiOperation({ summary: 'Reveal the current signing secret (admin only)' })
  @ApiData(200, WebhookSecretView)
  @ApiErrors(403, 404)
  async secret(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: { secret: await this.webhooks.revealSecret(tenantId, id) } };
  }
}
