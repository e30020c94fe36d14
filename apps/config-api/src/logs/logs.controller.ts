import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_PER_PAGE, type DeliveryStatus, type ListLogsRequestMessage, type LogSortField } from '@wirehook/contracts';
import { Access, TenantId } from '../auth/access.decorator';
import { WebhookService } from '../webhooks/webhook.service';
import { LogServiceClient } from './log-service.client';
import { LogsQueryDto } from './logs.dto';

function toRequest(tenantId: string, query: LogsQueryDto, webhookId?: string): ListLogsRequestMessage {
  const sort = query.sort ?? '-created_at';
  const descending = sort.startsWith('-') || sort.endsWith(':desc');
  return {
    tenantId,
    webhookId,
    view: query.view ?? 'attempts',
    page: query.page ?? 1,
    perPage: query.per_page ?? DEFAULT_PER_PAGE,
    status: query.status as DeliveryStatus[] | undefined,
    statusClass: query.status_class,
    event: query.event,
    from: query.from,
    to: query.to,
    q: query.q,
    sort: sort.replace(/^-/, '').replace(/:(asc|desc)$/, '') as LogSortField,
    order: descending ? 'desc' : 'asc',
  };
}

@ApiTags('delivery logs')
@ApiBearerAuth()
@Controller('api/v1')
export class LogsController {
  constructor(
    private readonly logs: LogServiceClient,
    private readonly webhooks: WebhookService,
  ) {}

  @Get('webhooks/:id/logs')
  @Access('viewer')
  @ApiOperation({ summary: "List a webhook's delivery logs, newest first" })
  async webhookLogs(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: LogsQueryDto) {
    await this.webhooks.get(tenantId, id);
    return { success: true, ...(await this.logs.listLogs(toRequest(tenantId, query, id))) };
  }

  @Get('deliveries')
  @Access('viewer')
  @ApiOperation({ summary: "List the tenant's delivery logs, newest first" })
  async deliveries(@TenantId() tenantId: string, @Query() query: LogsQueryDto) {
    return { success: true, ...(await this.logs.listLogs(toRequest(tenantId, query, query.webhook_id))) };
  }
}
