import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  ApiErrorCode,
  DEFAULT_PER_PAGE,
  ENDPOINT_ID_PATTERN,
  MAX_PAGED_ROWS,
  MAX_SEARCH_WEBHOOKS,
  type AttemptLogView,
  type DeliveryLogView,
  type ExportPageRequestMessage,
  type ListLogsRequestMessage,
  type LogDetailView,
  type LogFilterMessage,
  type LogSortField,
  type LogStatsView,
  type LogsPage,
} from '@wirehook/contracts';
import { DomainError, NotFoundError, TooManyRequestsError } from '../errors/domain.error';
import { WebhookService } from '../webhooks/webhook.service';
import { csvHeader, csvRow } from './log-export';
import { LogServiceClient } from './log-service.client';
import type { ExportQueryDto, LogFilterQueryDto, LogsQueryDto, StatsQueryDto } from './logs.dto';
import { checkedWindow, invalidWindow } from './time-window';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_STATS_WINDOW_MS = 31 * DAY_MS;
/** Rows asked per export page; log-service ends a page sooner when its reply would outgrow NATS. */
const EXPORT_PAGE_SIZE = 100;
/** Times a later export page is asked for while log-service has no turn for it. */
const EXPORT_PAGE_TRIES = 10;
/** Upper bound of one export; narrow the filters for more. */
const EXPORT_MAX_ROWS = 1_000_000;

export type LogExportFormat = NonNullable<ExportQueryDto['format']>;

/** An export whose first page has been read. */
export interface LogExport {
  format: LogExportFormat;
  /** The CSV header line; null for NDJSON, which has none. */
  header: string | null;
  /** One line per attempt, oldest first. */
  rows: AsyncGenerator<string>;
}

function invalidParameter(field: string, message: string): DomainError {
  return new DomainError('invalid', ApiErrorCode.validationFailed, message, { [field]: [message] });
}

function statsWindow(query: StatsQueryDto): { from: string; to: string } {
  const given = checkedWindow(query);
  const to = given.to ?? new Date();
  const from = given.from ?? new Date(to.getTime() - DAY_MS);
  if (from.getTime() >= to.getTime()) throw invalidWindow('from', 'from must be before to');
  if (to.getTime() - from.getTime() > MAX_STATS_WINDOW_MS) throw invalidWindow('from', 'the window may span at most 31 days');
  return { from: from.toISOString(), to: to.toISOString() };
}

/** The filters of a log list or export, checked, as log-service takes them. */
function toFilter(tenantId: string, query: LogFilterQueryDto, webhookId?: string): LogFilterMessage {
  // Checked only: log-service reads the window from the strings as they came.
  checkedWindow(query);
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

function toRequest(tenantId: string, query: LogsQueryDto, webhookId?: string): ListLogsRequestMessage {
  const sort = query.sort ?? '-created_at';
  const descending = sort.startsWith('-') || sort.endsWith(':desc');
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  if (query.cursor !== undefined && query.page !== undefined) throw invalidParameter('page', 'page cannot be combined with cursor; a cursor knows its page');
  if (page * perPage > MAX_PAGED_ROWS) {
    throw invalidParameter(
      'cursor',
      `page × per_page may reach at most ${MAX_PAGED_ROWS} rows; to go further, follow cursor (each page's pagination.next_cursor)`,
    );
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

/**
 * The delivery logs as the API shows them: the query parameters checked and turned into
 * log-service requests (windows, sort, paging, search), and exports read page by page.
 */
@Injectable()
export class LogsService {
  constructor(
    private readonly logs: LogServiceClient,
    private readonly webhooks: WebhookService,
  ) {}

  /** A page of the tenant's logs, or of one webhook's when `webhookId` is given. */
  async list(tenantId: string, query: LogsQueryDto, webhookId?: string): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    const request = await this.withSearch(toRequest(tenantId, query, webhookId));
    await this.checkWebhook(tenantId, webhookId);
    return this.logs.listLogs(request);
  }

  /** A page of the logs of the webhook `webhookId` (the route's), which `query.webhook_id` may only repeat. */
  async listOfWebhook(tenantId: string, webhookId: string, query: LogsQueryDto): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    if (query.webhook_id !== undefined && query.webhook_id !== webhookId) {
      throw invalidParameter('webhook_id', 'webhook_id belongs on GET /api/v1/deliveries; this route lists the webhook in its path');
    }
    return this.list(tenantId, query, webhookId);
  }

  async detail(tenantId: string, id: string): Promise<LogDetailView> {
    return this.logs.getLog({ tenantId, id });
  }

  /** Statistics of the tenant, or of one webhook, over the query's window (default: the last 24 hours). */
  async stats(tenantId: string, query: StatsQueryDto, webhookId?: string): Promise<LogStatsView> {
    const window = statsWindow(query);
    await this.checkWebhook(tenantId, webhookId);
    return this.logs.stats({ tenantId, webhookId, ...window });
  }

  /**
   * Starts an export of the attempts matching the query. The filters are checked and the first
   * page read here, so that a failure still gets a proper error answer before anything is sent;
   * later pages are read as the rows are.
   */
  async startExport(tenantId: string, query: ExportQueryDto): Promise<LogExport> {
    const filter = await this.withSearch(toFilter(tenantId, query, query.webhook_id));
    await this.checkWebhook(tenantId, query.webhook_id);
    const format = query.format ?? 'ndjson';
    const first = await this.logs.exportPage({ ...filter, limit: EXPORT_PAGE_SIZE });
    return { format, header: format === 'csv' ? csvHeader() : null, rows: this.exportRows(filter, format, first) };
  }

  private async *exportRows(filter: LogFilterMessage, format: LogExportFormat, first: { data: AttemptLogView[]; next: string | null }): AsyncGenerator<string> {
    let page = first;
    let rows = 0;
    for (;;) {
      for (const row of page.data) yield format === 'csv' ? csvRow(row) : `${JSON.stringify(row)}\n`;
      rows += page.data.length;
      if (!page.next || rows >= EXPORT_MAX_ROWS) return;
      page = await this.nextExportPage({ ...filter, after: page.next, limit: EXPORT_PAGE_SIZE });
    }
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
    if (matched.length > MAX_SEARCH_WEBHOOKS)
      throw invalidParameter('q', `q matches more than ${MAX_SEARCH_WEBHOOKS} webhooks; search for a longer text, or filter with webhook_id`);
    return { ...request, q, qWebhookIds: matched };
  }
}
