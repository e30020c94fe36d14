import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  RpcPatterns,
  type AttemptLogView,
  type DeliveryLogView,
  type ExportPageRequestMessage,
  type ExportedAttemptReply,
  type FailedDeliveriesPage,
  type FailedDeliveriesRequestMessage,
  type GetLogRequestMessage,
  type ListLogsRequestMessage,
  type LogBodyChunk,
  type LogBodyPart,
  type LogBodyReply,
  type LogDetailReply,
  type LogDetailView,
  type LogStatsRequestMessage,
  type LogStatsView,
  type LogsPage,
} from '@wirehook/contracts';
import { ConfigApiConfig } from '../config/config-api.config';
import { callService } from '../rpc/rpc-call';

export const LOG_SERVICE_CLIENT = 'LOG_SERVICE_CLIENT';

/** A payload as JSON when it parses, else as text. */
function parsedPayload(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Asks log-service over NATS request/reply. Replies stay within the NATS payload budget: a body
 * too large for one reply comes by its length, and is read here in chunks and put back whole.
 */
@Injectable()
export class LogServiceClient {
  constructor(
    @Inject(LOG_SERVICE_CLIENT) private readonly client: ClientProxy,
    private readonly config: ConfigApiConfig,
  ) {}

  async listLogs(request: ListLogsRequestMessage): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    return this.ask(RpcPatterns.listLogs, request);
  }

  /** One attempt in full: its request payload and response body whole, however large. */
  async getLog(request: GetLogRequestMessage): Promise<LogDetailView> {
    const reply = await this.ask<LogDetailReply>(RpcPatterns.getLog, request);
    const body = await this.wholeBody(request.tenantId, reply.id, 'request', reply.request.body);
    return {
      ...reply,
      request_payload: parsedPayload(body),
      request_payload_truncated: false,
      request: { ...reply.request, body },
      response: reply.response ? { ...reply.response, body: await this.wholeBody(request.tenantId, reply.id, 'response', reply.response.body) } : null,
      response_body_truncated: false,
      response_headers: reply.response?.headers ?? null,
      response_headers_truncated: false,
    };
  }

  async stats(request: LogStatsRequestMessage): Promise<LogStatsView> {
    return this.ask(RpcPatterns.logStats, request);
  }

  /** One page of an export, each row with its payload, response body and headers whole. */
  async exportPage(request: ExportPageRequestMessage): Promise<{ data: AttemptLogView[]; next: string | null }> {
    const page = await this.ask<{ data: ExportedAttemptReply[]; next: string | null }>(RpcPatterns.exportPage, request);
    const data: AttemptLogView[] = [];
    for (const { full, ...row } of page.data) {
      const payload = await this.wholeBody(request.tenantId, row.id, 'request', full.request_body);
      data.push({
        ...row,
        request_payload: parsedPayload(payload),
        request_payload_truncated: false,
        response_body: full.response_body ? await this.wholeBody(request.tenantId, row.id, 'response', full.response_body) : null,
        response_body_truncated: false,
        response_headers: full.response_headers,
        response_headers_truncated: false,
      });
    }
    return { data, next: page.next };
  }

  async failedDeliveries(request: FailedDeliveriesRequestMessage): Promise<FailedDeliveriesPage> {
    return this.ask(RpcPatterns.failedDeliveries, request);
  }

  /** A body sent inline, or read in chunks when it was too large for the reply. */
  private async wholeBody(tenantId: string, attemptId: string, part: LogBodyPart, body: LogBodyReply): Promise<string> {
    if (body.text !== null) return body.text;
    const chunks: string[] = [];
    for (let offset = 0; offset < body.length; ) {
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
