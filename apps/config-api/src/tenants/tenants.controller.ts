import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { paginationOf } from '@wirehook/contracts';
import { ApiData, ApiErrors, PaginationView } from '../api-docs/api-responses';
import type { ApiKeyDocument } from '../api-keys/api-key.schema';
import { Access } from '../auth/access.decorator';
import { ListQueryDto } from '../webhooks/webhook.dto';
import { CreateApiKeyDto, CreateTenantDto, RenameTenantDto } from './tenant.dto';
import { TenantService } from './tenant.service';
import type { TenantDocument } from './tenant.schema';
import { ApiKeyView, IssuedApiKeyView, TenantView } from './tenant.views';

function tenantView(tenant: TenantDocument): TenantView {
  return { id: tenant._id, name: tenant.name, created_at: tenant.createdAt.toISOString(), updated_at: tenant.updatedAt.toISOString() };
}

/** A key as listed: never the key itself, only its prefix. */
function apiKeyView(key: ApiKeyDocument): ApiKeyView {
  return {
    id: key._id,
    tenant_id: key.tenantId,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

@ApiTags('tenants (operator)')
@ApiBearerAuth()
@Access('operator')
@ApiErrors(401, 403)
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiData(201, TenantView, { description: 'Created' })
  @ApiErrors(400, 409)
  async create(@Body() body: CreateTenantDto) {
    return { success: true, data: tenantView(await this.tenants.create(body.name, body.id)) };
  }

  @Get()
  @ApiOperation({ summary: 'List tenants' })
  @ApiData(200, TenantView, { list: true, pagination: PaginationView })
  @ApiErrors(400)
  async list(@Query() query: ListQueryDto) {
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 25;
    const { rows, total } = await this.tenants.list(page, perPage);
    return { success: true, data: rows.map(tenantView), pagination: paginationOf(page, perPage, total) };
  }

  @Get(':tenantId')
  @ApiOperation({ summary: 'Get a tenant' })
  @ApiData(200, TenantView)
  @ApiErrors(404)
  async get(@Param('tenantId') tenantId: string) {
    return { success: true, data: tenantView(await this.tenants.get(tenantId)) };
  }

  @Patch(':tenantId')
  @ApiOperation({ summary: 'Rename a tenant' })
  @ApiData(200, TenantView, { description: 'Renamed' })
  @ApiErrors(400, 404)
  async rename(@Param('tenantId') tenantId: string, @Body() body: RenameTenantDto) {
    return { success: true, data: tenantView(await this.tenants.rename(tenantId, body.name)) };
  }

  @Delete(':tenantId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tenant, its endpoints and keys (delivery logs stay until retention removes them)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  async remove(@Param('tenantId') tenantId: string): Promise<void> {
    await this.tenants.delete(tenantId);
  }

  @Post(':tenantId/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key for a tenant; the key is returned only in this answer' })
  @ApiData(201, IssuedApiKeyView, { description: 'Created' })
  @ApiErrors(400, 404)
  async createKey(@Param('tenantId') tenantId: string, @Body() body: CreateApiKeyDto) {
    const { record, key } = await this.tenants.issueKey(tenantId, body.role, body.name);
    return { success: true, data: { ...apiKeyView(record), key } };
  }

  @Get(':tenantId/api-keys')
  @ApiOperation({ summary: "List a tenant's API keys (prefix and role; never the key)" })
  @ApiData(200, ApiKeyView, { list: true })
  @ApiErrors(404)
  async listKeys(@Param('tenantId') tenantId: string) {
    return { success: true, data: (await this.tenants.listKeys(tenantId)).map(apiKeyView) };
  }

  @Delete(':tenantId/api-keys/:keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it answers 401 from the next request on' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiErrors(404)
  async revokeKey(@Param('tenantId') tenantId: string, @Param('keyId') keyId: string): Promise<void> {
    await this.tenants.revokeKey(tenantId, keyId);
  }
}
