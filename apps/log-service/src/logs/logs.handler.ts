import { Controller, UseInterceptors } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  ExportPageRequestMessage,
  FailedDeliveriesRequestMessage,
  GetLogBodyRequestMessage,
  GetLogRequestMessage,
  LOG_BODY_CHUNK_CHARS,
  LOG_REPLY_BUDGET_BYTES,
  ListLogsRequestMessage,
  LogStatsRequestMessage,
  MAX_CURSOR_LENGTH,
  RpcErrorCode,
  RpcPatterns,
  isAttemptId,
  type AttemptLogRecord,
  type DeliveryLogRecord,
  type ExportedAttemptsPage,
  type FailedDeliveriesPage,
  type LogBodyChunk,
  type LogDetailRecord,
  type LogRecordsPage,
  type LogStatsRecord,
} from '@wirehook/contracts';
import { validRpcPayload } from '@wirehook/nats';
import { DeliveryLogs, LogQueryError, type AttemptRow, type DeliveryDocument } from '@wirehook/delivery-logs';
import { TenantQueryGate } from './tenant-query-gate';
import { REPLY_ENVELOPE_BYTES, attemptRecordsWithin, exportedRecord, toDeliveryRecord, toDetailRecord, toStatsRecord } from './log-records';

/** Failed deliveries one recover page reads at most. */
const RECOVER_ROWS_PER_READ = 100;
/** Rows whose bodies are read at once while a page is filled. */
const BODIES_PER_READ = 8;

const HOUR_MS = 60 * 60 * 1000;

const notFound = (what: string) => new RpcException({ code: RpcErrorCode.notFound, message: `${what} was not found` });

/** A request the logs cannot serve as asked: 400 naming the parameter to change. */
function refused(error: LogQueryError): RpcException {
  return new RpcException({ code: RpcErrorCode.invalidRequest, message: error.message, fields: { [error.parameter]: [error.message] } });
}

/** Runs a query; a request the logs cannot serve as asked answers `invalid_request` naming the parameter. */
async function answering<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw error instanceof LogQueryError ? refused(error) : error;
  }
}

/** An opaque position in recover's walk: the last delivery sent. */
function encodeAfter(delivery: DeliveryDocument): string {
  return Buffer.from(JSON.stringify([delivery.createdAt.getTime(), delivery._id])).toString('base64url');
}

function decodeAfter(text: string): { createdAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'number' && typeof id === 'string' && id.length <= MAX_CURSOR_LENGTH) return { createdAt: new Date(at), id };
  } catch {
    // refused below
  }
  throw refused(new LogQueryError('after', 'after is not a position of this walk; pass the next of the previous page unchanged'));
}

/**
 * Answers delivery-log queries from config-api over NATS request/reply with records, which
 * config-api turns into the public views. Every reply stays within
 * {@link LOG_REPLY_BUDGET_BYTES}: lists carry previews, and bodies that do not fit travel in chunks.
 * Each query takes a turn of its tenant at the {@link TenantQueryGate}, so one tenant's flood
 * waits (or answers 429) without slowing the others.
 */
@Controller()
@UseInterceptors(TenantQueryGate)
export class LogsHandler {
  constructor(private readonly logs: DeliveryLogs) {}

  @MessagePattern(RpcPatterns.listLogs)
  async list(@Payload() payload: unknown): Promise<LogRecordsPage<AttemptLogRecord | DeliveryLogRecord>> {
    const request = validRpcPayload(ListLogsRequestMessage, payload);
    const page = await answering(() => this.logs.queries.list(request));
    const rows = request.view === 'deliveries' ? (page.rows as DeliveryDocument[]).map(toDeliveryRecord) : attemptRecordsWithin(page.rows as AttemptRow[]);
    return { rows, page: page.page, total: page.total, hasMore: page.hasMore, nextCursor: page.nextCursor };
  }

  /** One attempt by its id (`<delivery id>_<attempt>`), or the latest attempt of a delivery by the delivery id. */
  @MessagePattern(RpcPatterns.getLog)
  async get(@Payload() payload: unknown): Promise<LogDetailRecord> {
    const request = validRpcPayload(GetLogRequestMessage, payload);
    const attemptId = isAttemptId(request.id) ? request.id : (await this.logs.deliveries.find(request.tenantId, request.id))?.lastAttemptId;
    const attempt = attemptId ? await this.logs.attempts.find(request.tenantId, attemptId) : null;
    if (!attempt) throw notFound(`log '${request.id}'`);
    const [delivery, timeline, payloads] = await Promise.all([
      this.logs.deliveries.find(request.tenantId, attempt.deliveryId),
      this.logs.attempts.ofDelivery(request.tenantId, attempt.deliveryId),
      this.logs.payloads.bodies(request.tenantId, [attempt.payloadId]),
    ]);
    return toDetailRecord(attempt, payloads.get(attempt.payloadId) ?? '', delivery, timeline);
  }

  /** A chunk of an attempt's request payload or response body, for bodies too large for one reply. */
  @MessagePattern(RpcPatterns.getLogBody)
  async body(@Payload() payload: unknown): Promise<LogBodyChunk> {
    const request = validRpcPayload(GetLogBodyRequestMessage, payload);
    let text: string | null;
    if (request.part === 'request') {
      const payloadId = await this.logs.attempts.payloadIdOf(request.tenantId, request.attemptId);
      text = payloadId ? ((await this.logs.payloads.bodies(request.tenantId, [payloadId])).get(payloadId) ?? null) : null;
    } else {
      text = await this.logs.attempts.responseBody(request.tenantId, request.attemptId);
    }
    if (text === null) throw notFound(`the ${request.part} body of log '${request.attemptId}'`);
    return { text: text.slice(request.offset, request.offset + LOG_BODY_CHUNK_CHARS), length: text.length };
  }

  @MessagePattern(RpcPatterns.logStats)
  async stats(@Payload() payload: unknown): Promise<LogStatsRecord> {
    const request = validRpcPayload(LogStatsRequestMessage, payload);
    const from = new Date(request.from);
    // Rollups count whole hours: a window ending on the hour ends before that hour, not after it.
    const to = new Date(request.to);
    const lastInstant = to.getTime() % HOUR_MS === 0 && to > from ? new Date(to.getTime() - 1) : to;
    return toStatsRecord(await this.logs.rollups.windowStats(request.tenantId, request.webhookId, from, lastInstant));
  }

  /**
   * One page of an export, filled up to the reply budget. Bodies are read a few rows at a time,
   * so a page of large payloads reads only what it sends; a page cut short continues after its
   * last row.
   */
  @MessagePattern(RpcPatterns.exportPage)
  async exportPage(@Payload() payload: unknown): Promise<ExportedAttemptsPage> {
    const request = validRpcPayload(ExportPageRequestMessage, payload);
    const page = await answering(() => this.logs.queries.exportPage(request));
    const rows: ExportedAttemptsPage['rows'] = [];
    let used = REPLY_ENVELOPE_BYTES;
    for (let start = 0; start < page.rows.length; start += BODIES_PER_READ) {
      const group = page.rows.slice(start, start + BODIES_PER_READ);
      const [payloads, responses] = await Promise.all([
        this.logs.payloads.bodies(
          request.tenantId,
          group.map((row) => row.payloadId),
        ),
        this.logs.attempts.responseBodies(
          request.tenantId,
          group.flatMap((row) => (row.response ? [row._id] : [])),
        ),
      ]);
      for (const row of group) {
        const { record, bytes } = exportedRecord(row, payloads.get(row.payloadId) ?? '', responses.get(row._id), LOG_REPLY_BUDGET_BYTES - used);
        if (rows.length > 0 && used + bytes > LOG_REPLY_BUDGET_BYTES) {
          return { rows, next: this.logs.queries.exportCursorAfter(request, page.rows[rows.length - 1]) };
        }
        rows.push(record);
        used += bytes;
      }
    }
    return { rows, next: page.nextCursor };
  }

  /**
   * Failed deliveries to re-send, oldest first, with their bodies, in pages that fit one reply.
   * Bodies are read a few at a time, so a page of large payloads reads only what it sends.
   */
  @MessagePattern(RpcPatterns.failedDeliveries)
  async failedDeliveries(@Payload() payload: unknown): Promise<FailedDeliveriesPage> {
    const request = validRpcPayload(FailedDeliveriesRequestMessage, payload);
    const after = request.after ? decodeAfter(request.after) : undefined;
    const window = { from: new Date(request.from), to: new Date(request.to) };
    const rows = await this.logs.deliveries.failedOfEndpoint(
      request.tenantId,
      request.webhookId,
      window,
      after,
      Math.min(request.limit, RECOVER_ROWS_PER_READ),
    );
    const page: FailedDeliveriesPage = { deliveries: [], next: null };
    let used = 0;
    for (let start = 0; start < rows.length; start += BODIES_PER_READ) {
      const group = rows.slice(start, start + BODIES_PER_READ);
      const bodies = await this.logs.payloads.bodies(
        request.tenantId,
        group.flatMap((row) => (row.payloadId ? [row.payloadId] : [])),
      );
      for (const delivery of group) {
        // A payload unused past the tenant's retention is gone: there is nothing left to send.
        const body = delivery.payloadId ? bodies.get(delivery.payloadId) : undefined;
        if (body === undefined) continue;
        const redelivery = {
          deliveryId: delivery._id,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          identifiers: delivery.identifiers,
          clientId: delivery.clientId ?? undefined,
          body,
          createdAt: delivery.createdAt.toISOString(),
          attempt: delivery.lastAttempt + 1,
        };
        used += Buffer.byteLength(JSON.stringify(redelivery));
        if (page.deliveries.length > 0 && used > LOG_REPLY_BUDGET_BYTES) {
          page.next = encodeAfter(rows[rows.indexOf(delivery) - 1]);
          return page;
        }
        page.deliveries.push(redelivery);
      }
    }
    if (rows.length === Math.min(request.limit, RECOVER_ROWS_PER_READ) && rows.length > 0) page.next = encodeAfter(rows[rows.length - 1]);
    return page;
  }
}
