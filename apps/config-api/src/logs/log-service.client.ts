import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { RpcErrorCode, RpcPatterns, type AttemptLogView, type DeliveryLogView, type ListLogsRequestMessage, type LogsPage } from '@wirehook/contracts';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';

export const LOG_SERVICE_CLIENT = 'LOG_SERVICE_CLIENT';

/** Asks log-service over NATS request/reply; its errors come back as domain errors. */
@Injectable()
export class LogServiceClient {
  constructor(
    @Inject(LOG_SERVICE_CLIENT) private readonly client: ClientProxy,
    private readonly config: ConfigApiConfig,
  ) {}

  async listLogs(request: ListLogsRequestMessage): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    return this.ask(RpcPatterns.listLogs, request);
  }

  private async ask<T>(pattern: string, payload: object): Promise<T> {
    try {
      return await firstValueFrom(this.client.send<T>(pattern, payload).pipe(timeout(this.config.RPC_TIMEOUT_MS)));
    } catch (error) {
      const rpc = error as { code?: string; message?: string; name?: string };
      if (rpc.code === RpcErrorCode.invalidRequest) throw new DomainError('invalid', 'invalid_query', rpc.message ?? 'invalid query');
      if (rpc.code === RpcErrorCode.notFound) throw new DomainError('not_found', 'not_found', rpc.message ?? 'not found');
      throw new DomainError('unavailable', 'log_service_unavailable', 'the delivery log service did not answer; try again shortly');
    }
  }
}
