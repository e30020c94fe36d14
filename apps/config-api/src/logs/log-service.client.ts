import { Injectable } from '@nestjs/common';
import {
  RpcPatterns,
  type AttemptLogView,
  type AttemptLogRecord,
  type DeliveryLogRecord,
  type DeliveryLogView,
  type DeliveryStatus,
  type ExportPageRequestMessage,
  type ExportedAttemptsPage,
  type FailedDeliveriesPage,
  type FailedDeliveriesRequestMessage,
  type GetLogRequestMessage,
  type ListLogsRequestMessage,
  type LogBodyChunk,
  type LogBodyPart,
  type LogBodyReply,
  type LogDetailRecord,
  type LogDetailView,
  type LogRecordsPage,
  type LogStatsRecord,
  type LogStatsRequestMessage,
  type LogStatsView,
  type LogsPage,
} from '@wirehook/contracts';
import { NatsRpcClient } from '@wirehook/nats';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';
import { callService } from '../rpc/rpc-call';
import { toDetailView, toExportedView, toLogsPage, toStatsView } from './log-view-builder';

/** Where a delivery stands in the delivery log: what a replay needs to queue its next attempt. */
export interface DeliveryState {
  status: DeliveryStatus;
  /** Attempts made so far (the number of the latest). */
  attempts: number;
  createdAt: string;
}

/**
 * Asks log-service over NATS request/reply and answers with the public views, built from the
 * records log-service sends. Replies stay within the NATS payload budget: a body too large for
 * one reply comes by its length, and is read here in chunks and put back whole.
 */
@Injectable()
export class LogServiceClient {
  constructor(
    private readonly client: NatsRpcClient,
    private readonly config: ConfigApiConfig,
  ) {}

  async listLogs(request: ListLogsRequestMessage): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    return toLogsPage(request, await this.ask<LogRecordsPage<AttemptLogRecord | DeliveryLogRecord>>(RpcPatterns.listLogs, request));
  }

  /** One attempt in full: its request payload and response body whole, however large. */
  async getLog(request: GetLogRequestMessage): Promise<LogDetailView> {
    const record = await this.ask<LogDetailRecord>(RpcPatterns.getLog, request);
    const attemptId = record.attempt.id;
    const requestBody = await this.wholeBody(request.tenantId, attemptId, 'request', record.request.body);
    const responseBody = record.response ? await this.wholeBody(request.tenantId, attemptId, 'response', record.response.body) : null;
    return toDetailView(record, requestBody, responseBody);
  }

  async stats(request: LogStatsRequestMessage): Promise<LogStatsView> {
    return toStatsView(await this.ask<LogStatsRecord>(RpcPatterns.logStats, request));
  }

  /** One page of an export, each row with its payload, response body and headers whole. */
  async exportPage(request: ExportPageRequestMessage): Promise<{ data: AttemptLogView[]; next: string | null }> {
    const page = await this.ask<ExportedAttemptsPage>(RpcPatterns.exportPage, request);
    const data: AttemptLogView[] = [];
    for (const record of page.rows) {
      const attemptId = record.attempt.id;
      const requestBody = await this.wholeBody(request.tenantId, attemptId, 'request', record.requestBody);
      const responseBody = record.responseBody ? await this.wholeBody(request.tenantId, attemptId, 'response', record.responseBody) : null;
      data.push(toExportedView(record, requestBody, responseBody));
    }
    return { data, next: page.next };
  }

  async failedDeliveries(request: FailedDeliveriesRequestMessage): Promise<FailedDeliveriesPage> {
    return this.ask(RpcPatterns.failedDeliveries, request);
  }

  /**
   * The latest state of a delivery, or null when the log has none of it: the delivery's own, or
   * its latest attempt's when the delivery is not stored (any more). Unlike {@link getLog}, no
   * bodies are read.
   */
  async deliveryState(tenantId: string, deliveryId: string): Promise<DeliveryState | null> {
    try {
      const record = await this.ask<LogDetailRecord>(RpcPatterns.getLog, { tenantId, id: deliveryId });
      const delivery = record.delivery;
      return delivery
        ? { status: delivery.status, attempts: delivery.lastAttempt, createdAt: delivery.createdAt }
        : { status: record.attempt.status, attempts: record.attempt.attempt, createdAt: record.attempt.createdAt };
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** A body sent inline, or read in chunks when it was too large for the reply. */
  private async wholeBody(tenantId: string, attemptId: string, part: LogBodyPart, body: LogBodyReply): Promise<string> {
    if (body.text !== null) return body.text;
    const chunks: string[] = [];
    for (let offset = 0; offset < body.length;) {
      const chunk = await this.ask<LogBodyChunk>(RpcPatterns.getLogBody, { tenantId, attemptId, part, offset });
      if (chunk.text.length === 0) break;
      chunks.push(chunk.text);
      offset += chunk.text.length;
    }
    return chunks.join('');
  }

  private ask<T>(pattern: string, payload: object): Promise<T> {
    return callService<T>(this.client, pattern, payload, this.config.RPC_TIMEOUT_MS, 'delivery log service');
  }
}
