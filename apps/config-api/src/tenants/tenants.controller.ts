import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator';
import { CreateApiKeyDto, CreateTenantDto } from './tenant.dto';
import { TenantService } from './tenant.service';
import type { TenantDocument } from './tenant.schema';

function tenantView(tenant: TenantDocument) {
  return { id: tenant._id, name: tenant.name, created_at: tenant.createdAt.toISOString(), updated_at: tenant.updatedAt.toISOString() };
}

@ApiTags('tenants (operator)')
@ApiBearerAuth()
@Access('operator')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a tenant' })
  async create(@Body() body: CreateTenantDto) {
    return { data: tenantView(await this.tenants.create(body.name, body.id)) };
  }

  @Post(':tenantId/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key for a tenant; the key is returned only in this answer' })
  async createKey(@Param('tenantId') tenantId: string, @Body() body: CreateApiKeyDto) {
    const { record, key } = await this.tenants.issueKey(tenantId, body.role, body.name);
    return {
      data: { id: record._id, tenant_id: record.tenantId, role: record.role, name: record.name, prefix: record.prefix, key, created_at: record.createdAt.toISOString() },
    };
  }
}
