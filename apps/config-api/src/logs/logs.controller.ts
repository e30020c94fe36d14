import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { ApiData, ApiErrors } from '../api-docs/api-responses';
import { Access, TenantId } from '../auth/access.decorator';
import { AttemptLogResponse, DeliveryLogResponse, LogDetailResponse, LogPaginationView, LogStatsResponse } from './log.views';
import { ExportQueryDto, LogsQueryDto, StatsQueryDto } from './logs.dto';
import { LogsService } from './logs.service';

const CONTENT_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv; charset=utf-8' } as const;

/** Writes a chunk, waiting while the client reads slower than log-service answers. */
async function write(response: Response, chunk: string): Promise<void> {
  if (response.write(chunk) || response.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

@ApiTags('delivery logs')
@ApiBearerAuth()
@ApiErrors(401, 403, 429, 503)
@Controller('api/v1')
export class LogsController {
  constructor(
    private readonly logs: LogsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('webhooks/:id/logs')
  @Access('viewer')
  @ApiOperation({ summary: "List a webhook's delivery logs, newest first" })
  @ApiData(200, [AttemptLogResponse, DeliveryLogResponse], {
    list: true,
    pagination: LogPaginationView,
    description: 'Attempts, or deliveries with view=deliveries',
  })
  @ApiErrors(400, 404)
  async webhookLogs(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: LogsQueryDto) {
    return { success: true, ...(await this.logs.listOfWebhook(tenantId, id, query)) };
  }

  @Get('deliveries/export')
  @Access('viewer')
  @ApiOperation({ summary: 'Export attempts matching the filters, oldest first, as NDJSON or CSV (streamed)' })
  @ApiOkResponse({
    description: 'One attempt per line (NDJSON), or CSV with a header row; payloads and bodies whole',
    content: { 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiErrors(400, 404)
  async export(@TenantId() tenantId: string, @Query() query: ExportQueryDto, @Res() response: Response): Promise<void> {
    const { format, header, rows } = await this.logs.startExport(tenantId, query);
    response.status(200);
    response.setHeader('content-type', CONTENT_TYPES[format]);
    response.setHeader('content-disposition', `attachment; filename="deliveries-${tenantId}.${format}"`);
    let rowsWritten = 0;
    try {
      if (header !== null) await write(response, header);
      for await (const row of rows) {
        await write(response, row);
        rowsWritten += 1;
        if (response.destroyed) break;
      }
    } catch (error) {
      // The status line is gone already: cut the transfer short so the client sees a broken
      // download (no final chunk) rather than a file that merely looks complete.
      this.logger.error({ err: error, tenantId, rows: rowsWritten }, 'export failed midway; the transfer was cut short');
      response.destroy();
      return;
    }
    response.end();
  }

  @Get('logs/:id')
  @Access('viewer')
  @ApiOperation({ summary: 'One attempt in full (request, response, error) with the timeline of its delivery; a delivery id shows its latest attempt' })
  @ApiData(200, LogDetailResponse)
  @ApiErrors(404)
  async detail(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.logs.detail(tenantId, id) };
  }

  @Get('webhooks/:id/stats')
  @Access('viewer')
  @ApiOperation({ summary: "A webhook's delivery statistics over a window (default: the last 24 hours)" })
  @ApiData(200, LogStatsResponse)
  @ApiErrors(400, 404)
  async webhookStats(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: StatsQueryDto) {
    return { success: true, data: await this.logs.stats(tenantId, query, id) };
  }

  @Get('stats')
  @Access('viewer')
  @ApiOperation({ summary: "The tenant's delivery statistics over a window (default: the last 24 hours)" })
  @ApiData(200, LogStatsResponse)
  @ApiErrors(400, 404)
  async tenantStats(@TenantId() tenantId: string, @Query() query: StatsQueryDto) {
    return { success: true, data: await this.logs.stats(tenantId, query, query.webhook_id) };
  }

  @Get('deliveries')
  @Access('viewer')
  @ApiOperation({ summary: "List the tenant's delivery logs, newest first" })
  @ApiData(200, [AttemptLogResponse, DeliveryLogResponse], {
    list: true,
    pagination: LogPaginationView,
    description: 'Attempts, or deliveries with view=deliveries',
  })
  @ApiErrors(400, 404)
  async deliveries(@TenantId() tenantId: string, @Query() query: LogsQueryDto) {
    return { success: true, ...(await this.logs.list(tenantId, query, query.webhook_id)) };
  }
}
