import { setTimeout as sleep } from 'node:timers/promises';
import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import {
  DEFAULT_PER_PAGE,
  ENDPOINT_ID_PATTERN,
  MAX_PAGED_ROWS,
  MAX_SEARCH_WEBHOOKS,
  type AttemptLogView,
  type ExportPageRequestMessage,
  type ListLogsRequestMessage,
  type LogFilterMessage,
  type LogSortField,
} from '@wirehook/contracts';
import { ApiData, ApiErrors } from '../api-docs/api-responses';
import { Access, TenantId } from '../auth/access.decorator';
import { WebhookService } from '../webhooks/webhook.service';
import { LogServiceClient } from './log-service.client';
import { DomainError, NotFoundError, TooManyRequestsError } from '../errors/domain.error';
import { csvHeader, csvRow } from './log-export';
import { AttemptLogResponse, DeliveryLogResponse, LogDetailResponse, LogPaginationView, LogStatsResponse } from './log.views';
import { ExportQueryDto, LogFilterQueryDto, LogsQueryDto, StatsQueryDto } from './logs.dto';
import { windowEnd, windowStart } from './time-window';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_STATS_WINDOW_MS = 31 * DAY_MS;
/** Rows asked per export page; log-service ends a page sooner when its reply would outgrow NATS. */
const EXPORT_PAGE_SIZE = 100;
/** Times a later export page is asked for while log-service has no turn for it. */
const EXPORT_PAGE_TRIES = 10;
/** Upper bound of one export; narrow the filters for more. */
const EXPORT_MAX_ROWS = 1_000_000;

function invalidWindow(field: 'from' | 'to', message: string): DomainError {
  return new DomainError('invalid', 'invalid_window', message, { [field]: [message] });
}

/**
 * Checks what the DTO's ISO-8601 check lets through but a query cannot use: a date JavaScript
 * cannot read (ISO week and ordinal dates) and a window that ends before it starts.
 */
function checkWindow(query: { from?: string; to?: string }): void {
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && Number.isNaN(Date.parse(value))) throw invalidWindow(field, `${field} must be a calendar date or date-time such as 2026-03-01T12:00:00Z`);
  }
  if (query.from && query.to && windowStart(query.from).getTime() > windowEnd(query.to).getTime()) throw invalidWindow('from', 'from must not be after to');
}

function statsWindow(query: StatsQueryDto): { from: string; to: string } {
  checkWindow(query);
  const to = query.to ? windowEnd(query.to) : new Date();
  const from = query.from ? windowStart(query.from) : new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw invalidWindow('from', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_STATS_WINDOW_MS) throw invalidWindow('from', 'the window may span at most 31 days');
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The filters of a log list or export, checked, as log-service takes them. */
function toFilter(tenantId: string, query: LogFilterQueryDto, webhookId?: string): LogFilterMessage {
  checkWindow(query);
  return {
    tenantId,
    webhookId,
    status: query.status,
    statusClass: query.status_class,
    event: query.event,
    from: query.from,
    to: query.to,
    q: query.q,
  };
}

function invalidParameter(field: string, message: string): DomainError {
  return new DomainError('invalid', 'validation_failed', message, { [field]: [message] });
}

function toRequest(tenantId: string, query: LogsQueryDto, webhookId?: string): ListLogsRequestMessage {
  const sort = query.sort ?? '-created_at';
  const descending = sort.startsWith('-') || sort.endsWith(':desc');
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  if (query.cursor !== undefined && query.page !== undefined) throw invalidParameter('page', 'page cannot be combined with cursor; a cursor knows its page');
  if (page * perPage > MAX_PAGED_ROWS) {
    throw invalidParameter('cursor', `page × per_page may reach at most ${MAX_PAGED_ROWS} rows; to go further, follow cursor (each page's pagination.next_cursor)`);
  }
  return {
    ...toFilter(tenantId, query, webhookId),
    view: query.view ?? 'attempts',
    page,
    perPage,
    cursor: query.cursor,
    sort: sort.replace(/^-/, '').replace(/:(asc|desc)$/, '') as LogSortField,
    order: descending ? 'desc' : 'asc',
  };
}

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
    private readonly logs: LogServiceClient,
    private readonly webhooks: WebhookService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Answers 404 for a webhook id that is none of the tenant's: neither a webhook it has now nor
   * one its delivery logs still carry. Logs outlive their webhook until retention removes them,
   * so a deleted webhook's logs stay listed, filtered, exported and counted; another tenant's
   * webhook answers 404 exactly as an id never made does (the log query carries the caller's
   * tenant, so it finds nothing of theirs).
   */
  private async checkWebhook(tenantId: string, webhookId: string | undefined): Promise<void> {
    if (!webhookId) return;
    try {
      await this.webhooks.get(tenantId, webhookId);
    } catch (error) {
      if (!(error instanceof NotFoundError) || !ENDPOINT_ID_PATTERN.test(webhookId)) throw error;
      const logged = await this.logs.listLogs({ tenantId, webhookId, view: 'attempts', page: 1, perPage: 1, sort: 'created_at', order: 'desc' });
      if (logged.data.length === 0) throw error;
    }
  }

  /** Search text resolved against the tenant's webhooks (name, URL): log-service filters by their ids. */
  private async withSearch<T extends LogFilterMessage>(request: T): Promise<T> {
    const q = request.q?.trim();
    if (!q) return request;
    const matched = await this.webhooks.matchingText(request.tenantId, q, MAX_SEARCH_WEBHOOKS + 1);
    if (matched.length > MAX_SEARCH_WEBHOOKS) throw invalidParameter('q', `q matches more than ${MAX_SEARCH_WEBHOOKS} webhooks; search for a longer text, or filter with webhook_id`);
    return { ...request, q, qWebhookIds: matched };
  }

  @Get('webhooks/:id/logs')
  @Access('viewer')
  @ApiOperation({ summary: "List a webhook's delivery logs, newest first" })
  @ApiData(200, [AttemptLogResponse, DeliveryLogResponse], { list: true, pagination: LogPaginationView, description: 'Attempts, or deliveries with view=deliveries' })
  @ApiErrors(400, 404)
  async webhookLogs(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: LogsQueryDto) {
    if (query.webhook_id !== undefined && query.webhook_id !== id) {
      const message = 'webhook_id belongs on GET /api/v1/deliveries; this route lists the webhook in its path';
      throw new DomainError('invalid', 'validation_failed', message, { webhook_id: [message] });
    }
    const request = await this.withSearch(toRequest(tenantId, query, id));
    await this.checkWebhook(tenantId, id);
    return { success: true, ...(await this.logs.listLogs(request)) };
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
    const filter = await this.withSearch(toFilter(tenantId, query, query.webhook_id));
    await this.checkWebhook(tenantId, query.webhook_id);
    const format = query.format ?? 'ndjson';
    const line = (row: AttemptLogView) => (format === 'csv' ? csvRow(row) : `${JSON.stringify(row)}\n`);
    // The first page is fetched before the headers go out, so a failure still gets a proper error answer.
    let page = await this.logs.exportPage({ ...filter, limit: EXPORT_PAGE_SIZE });
    response.status(200);
    response.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    response.setHeader('content-disposition', `attachment; filename="deliveries-${tenantId}.${format}"`);
    let rows = 0;
    try {
      if (format === 'csv') await write(response, csvHeader());
      for (;;) {
        for (const row of page.data) await write(response, line(row));
        rows += page.data.length;
        if (!page.next || rows >= EXPORT_MAX_ROWS || response.destroyed) break;
        page = await this.nextExportPage({ ...filter, after: page.next, limit: EXPORT_PAGE_SIZE });
      }
    } catch (error) {
      // The status line is gone already: cut the transfer short so the client sees a broken
      // download (no final chunk) rather than a file that merely looks complete.
      this.logger.error({ err: error, tenantId, rows }, 'export failed midway; the transfer was cut short');
      response.destroy();
      return;
    }
    response.end();
  }

  /**
   * A later page of an export. The download has started, so a page log-service has no turn for
   * yet (its tenant's queries are all busy) is waited for rather than answered with a 429.
   */
  private async nextExportPage(request: ExportPageRequestMessage): Promise<{ data: AttemptLogView[]; next: string | null }> {
    for (let tries = 1; ; tries += 1) {
      try {
        return await this.logs.exportPage(request);
      } catch (error) {
        if (!(error instanceof TooManyRequestsError) || tries >= EXPORT_PAGE_TRIES) throw error;
        await sleep(error.retryAfterSeconds * 1000);
      }
    }
  }

  @Get('logs/:id')
  @Access('viewer')
  @ApiOperation({ summary: 'One attempt in full (request, response, error) with the timeline of its delivery; a delivery id shows its latest attempt' })
  @ApiData(200, LogDetailResponse)
  @ApiErrors(404)
  async detail(@TenantId() tenantId: string, @Param('id') id: string) {
    return { success: true, data: await this.logs.getLog({ tenantId, id }) };
  }

  @Get('webhooks/:id/stats')
  @Access('viewer')
  @ApiOperation({ summary: "A webhook's delivery statistics over a window (default: the last 24 hours)" })
  @ApiData(200, LogStatsResponse)
  @ApiErrors(400, 404)
  async webhookStats(@TenantId() tenantId: string, @Param('id') id: string, @Query() query: StatsQueryDto) {
    const window = statsWindow(query);
    await this.checkWebhook(tenantId, id);
    return { success: true, data: await this.logs.stats({ tenantId, webhookId: id, ...window }) };
  }

  @Get('stats')
  @Access('viewer')
  @ApiOperation({ summary: "The tenant's delivery statistics over a window (default: the last 24 hours)" })
  @ApiData(200, LogStatsResponse)
  @ApiErrors(400, 404)
  async tenantStats(@TenantId() tenantId: string, @Query() query: StatsQueryDto) {
    const window = statsWindow(query);
    await this.checkWebhook(tenantId, query.webhook_id);
    return { success: true, data: await this.logs.stats({ tenantId, webhookId: query.webhook_id, ...window }) };
  }

  @Get('deliveries')
  @Access('viewer')
  @ApiOperation({ summary: "List the tenant's delivery logs, newest first" })
  @ApiData(200, [AttemptLogResponse, DeliveryLogResponse], { list: true, pagination: LogPaginationView, description: 'Attempts, or deliveries with view=deliveries' })
  @ApiErrors(400, 404)
  async deliveries(@TenantId() tenantId: string, @Query() query: LogsQueryDto) {
    const request = await this.withSearch(toRequest(tenantId, query, query.webhook_id));
    await this.checkWebhook(tenantId, query.webhook_id);
    return { success: true, ...(await this.logs.listLogs(request)) };
  }
}
