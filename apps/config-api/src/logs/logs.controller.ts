import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DEFAULT_PER_PAGE, type DeliveryStatus, type ListLogsRequestMessage, type LogSortField } from '@wirehook/contracts';
import { Access, TenantId } from '../auth/access.decorator';
import { WebhookService } from '../webhooks/webhook.service';
import { LogServiceClient } from './log-service.client';
import { DomainError } from '../errors/domain.error';
import { csvHeader, csvRow } from './log-export';
import { ExportQueryDto, LogsQueryDto, StatsQueryDto } from './logs.dto';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_STATS_WINDOW_MS = 31 * DAY_MS;
const EXPORT_PAGE_SIZE = 500;
/** Upper bound of one export; narrow the filters for more. */
const EXPORT_MAX_ROWS = 1_000_000;

function statsWindow(query: StatsQueryDto): { from: string; to: string } {
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw new DomainError('invalid', 'invalid_window', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_STATS_WINDOW_MS) throw new DomainError('invalid', 'invalid_window', 'the window may span at most 31 days');
  return { from: from.toISOString(), to: to.toISOString() };
}

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

  @Get('deliveries/export')
  @Access('viewer')
  @ApiOperation({ summary: 'Export attempts matching the filters, oldest first, as NDJSON or CSV (streamed)' })
  async export(@TenantId() tenantId: string, @Query() query: ExportQueryDto, @Res() response: Response): Promise<void> {
    if (query.webhook_id) await this.webhooks.get(tenantId, query.webhook_id);
    const format = query.format ?? 'ndjson';
    const filter = { tenantId, webhookId: query.webhook_id, status: query.status, event: query.event, from: query.from, to: query.to };
    // The first page is fetched before the headers go out, so a failure still gets a proper error answer.
    let page = await this.logs.exportPage({ ...filter, limit: EXPORT_PAGE_SIZE });
    response.status(200);
    response.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    response.setHeader('content-disposition', `attachment; filename="deliveries-${tenantId}.${format}"`);
    if (format === 'csv') response.write(csvHeader());
    for (let rows = 0; ; ) {
      for (const row of page.data) response.write(format === 'csv' ? csvRow(row) : `${JSON.stringify(row)}\n`);
      rows += page.data.length;
      if (!page.next || rows >= EXPORT_MAX_ROWS || response.destroyed) break;
      page = await this.logs.exportPage({ ...filter, after: page.next, limit: EXPORT_PAGE_SIZE });
    }
    response.end();
  }

  @Get('logs/:id')
  @Access('viewer')
  @ApiOperation({ summary: 'One attempt in full (request, response, error) with the timeline of its delivery' })
  async detail(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.logs.getLog({ tenantId, id }) };
  }

  @Get('webhooks/:id/stats')
  @Access('viewer')
  @ApiOperation({ summary: "A webhook's delivery statistics over a window (default: the last 24 hours)" })
  async webhookStats(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: StatsQueryDto) {
    await this.webhooks.get(tenantId, id);
    return { success: true, data: await this.logs.stats({ tenantId, webhookId: id, ...statsWindow(query) }) };
  }

  @Get('stats')
  @Access('viewer')
  @ApiOperation({ summary: "The tenant's delivery statistics over a window (default: the last 24 hours)" })
  async tenantStats(@TenantId() tenantId: string, @Query() query: StatsQueryDto) {
    return { success: true, data: await this.logs.stats({ tenantId, webhookId: query.webhook_id, ...statsWindow(query) }) };
  }

  @Get('deliveries')
  @Access('viewer')
  @ApiOperation({ summary: "List the tenant's delivery logs, newest first" })
  async deliveries(@TenantId() tenantId: string, @Query() query: LogsQueryDto) {
    return { success: true, ...(await this.logs.listLogs(toRequest(tenantId, query, query.webhook_id))) };
  }
}
