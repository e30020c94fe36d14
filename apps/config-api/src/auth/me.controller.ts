import { Controller, Get, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData, ApiErrors } from '../api-docs/api-responses';
import { CallerView } from '../tenants/tenant.views';
import { Access, type AuthenticatedRequest } from './access.decorator';

@ApiTags('api keys')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  @Get()
  @Access('viewer')
  @ApiOperation({ summary: 'The calling tenant key: its tenant, its role (admin may change configuration, viewer may read) and its id' })
  @ApiData(200, CallerView)
  @ApiErrors(401, 403)
  me(@Req() request: AuthenticatedRequest): { success: true; data: CallerView } {
    const principal = request.principal;
    // The guard lets only tenant keys through to viewer routes.
    if (principal?.kind !== 'tenant') throw new Error('GET /api/v1/me reached without a tenant key');
    return { success: true, data: { tenant_id: principal.tenantId, role: principal.role, key_id: principal.keyId } };
  }
}
