import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import {
  RpcPatterns,
  type AttemptLogView,
  type DeliveryLogView,
  type ExportPageRequestMessage,
  type FailedDeliveriesRequestMessage,
  type GetLogRequestMessage,
  type ListLogsRequestMessage,
  type LogDetailView,
  type LogStatsRequestMessage,
  type LogStatsView,
  type LogsPage,
  type RedeliveryMessage,
} from '@wirehook/contracts';
import { ConfigApiConfig } from '../config/config-api.config';
import { callService } from '../rpc/rpc-call';

export const LOG_SERVICE_CLIENT = 'LOG_SERVICE_CLIENT';

/** Asks log-service over NATS request/reply. */
@Injectable()
export class LogServiceClient {
  constructor(
    @Inject(LOG_SERVICE_CLIENT) private readonly client: ClientProxy,
    private readonly config: ConfigApiConfig,
  ) {}

  async listLogs(request: ListLogsRequestMessage): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    return this.ask(RpcPatterns.listLogs, request);
  }

  async getLog(request: GetLogRequestMessage): Promise<LogDetailView> {
    return this.ask(RpcPatterns.getLog, request);
  }

  async stats(request: LogStatsRequestMessage): Promise<LogStatsView> {
    return this.ask(RpcPatterns.logStats, request);
  }

  async exportPage(request: ExportPageRequestMessage): Promise<{ data: AttemptLogView[]; next: string | null }> {
    return this.ask(RpcPatterns.exportPage, request);
  }

  async failedDeliveries(request: FailedDeliveriesRequestMessage): Promise<RedeliveryMessage[]> {
    return this.ask(RpcPatterns.failedDeliveries, request);
  }

  private ask<T>(pattern: string, payload: object): Promise<T> {
    return callService<T>(this.client, pattern, payload, this.config.RPC_TIMEOUT_MS, 'delivery log service');
  }

}
