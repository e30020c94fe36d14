import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  InvalidMessageError,
  ListLogsRequestMessage,
  RpcErrorCode,
  RpcPatterns,
  validatePlain,
  type AttemptLogView,
  type DeliveryLogView,
  type LogsPage,
} from '@wirehook/contracts';
import { DeliveryLogRepository } from '@wirehook/delivery-logs';
import { toAttemptView, toDeliveryView } from './log-views';

function validated<T extends object>(type: new () => T, payload: unknown): T {
  try {
    return validatePlain(type, payload);
  } catch (error) {
    if (error instanceof InvalidMessageError) {
      throw new RpcException({ code: RpcErrorCode.invalidRequest, message: error.message });
    }
    throw error;
  }
}

/** Answers delivery-log queries from config-api over NATS request/reply. */
@Controller()
export class LogsHandler {
  constructor(private readonly repository: DeliveryLogRepository) {}

  @MessagePattern(RpcPatterns.listLogs)
  async list(@Payload() payload: unknown): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    const request = validated(ListLogsRequestMessage, payload);
    const page =
      request.view === 'deliveries'
        ? await this.repository.listDeliveries(request).then(({ rows, total }) => ({ data: rows.map(toDeliveryView), total }))
        : await this.repository.listAttempts(request).then(({ rows, total }) => ({ data: rows.map(toAttemptView), total }));
    return {
      data: page.data,
      pagination: {
        current_page: request.page,
        per_page: request.perPage,
        total: page.total,
        last_page: Math.max(1, Math.ceil(page.total / request.perPage)),
      },
    };
  }
}
