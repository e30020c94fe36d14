import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  ExportPageRequestMessage,
  FailedDeliveriesRequestMessage,
  GetLogRequestMessage,
  ListLogsRequestMessage,
  LogStatsRequestMessage,
  RpcErrorCode,
  RpcPatterns,
  paginationOf,
  type AttemptLogView,
  type DeliveryLogView,
  type LogDetailView,
  type RedeliveryMessage,
  type LogStatsView,
  type LogsPage,
} from '@wirehook/contracts';
import { validRpcPayload } from '@wirehook/nats';
import { DeliveryLogRepository } from '@wirehook/delivery-logs';
import { toAttemptView, toDeliveryView, toDetailView, toStatsView } from './log-views';

/** An attempt id; anything else is looked up as a delivery id (the delivery view's row id). */
const ATTEMPT_ID = /_\d+$/;

/** Answers delivery-log queries from config-api over NATS request/reply. */
@Controller()
export class LogsHandler {
  constructor(private readonly repository: DeliveryLogRepository) {}

  /** One attempt by its id (`<delivery id>_<attempt>`), or the latest attempt of a delivery by the delivery id. */
  @MessagePattern(RpcPatterns.getLog)
  async get(@Payload() payload: unknown): Promise<LogDetailView> {
    const request = validRpcPayload(GetLogRequestMessage, payload);
    const attempt = ATTEMPT_ID.test(request.id)
      ? await this.repository.findAttempt(request.tenantId, request.id)
      : await this.repository.findLatestAttempt(request.tenantId, request.id);
    if (!attempt) throw new RpcException({ code: RpcErrorCode.notFound, message: `log '${request.id}' was not found` });
    const [delivery, timeline] = await Promise.all([
      this.repository.findDelivery(request.tenantId, attempt.deliveryId),
      this.repository.attemptsOfDelivery(request.tenantId, attempt.deliveryId),
    ]);
    return toDetailView(attempt, delivery, timeline);
  }

  @MessagePattern(RpcPatterns.logStats)
  async stats(@Payload() payload: unknown): Promise<LogStatsView> {
    const request = validRpcPayload(LogStatsRequestMessage, payload);
    const from = new Date(request.from);
    const to = new Date(request.to);
    return toStatsView(await this.repository.stats(request.tenantId, request.webhookId, from, to), from, to);
  }

  @MessagePattern(RpcPatterns.exportPage)
  async exportPage(@Payload() payload: unknown): Promise<{ data: AttemptLogView[]; next: string | null }> {
    const request = validRpcPayload(ExportPageRequestMessage, payload);
    const rows = await this.repository.attemptsAfter(request, request.after, request.limit);
    const last = rows[rows.length - 1];
    return { data: rows.map(toAttemptView), next: rows.length === request.limit && last ? `${last.createdAt.getTime()}:${last._id}` : null };
  }

  @MessagePattern(RpcPatterns.failedDeliveries)
  async failedDeliveries(@Payload() payload: unknown): Promise<RedeliveryMessage[]> {
    const request = validRpcPayload(FailedDeliveriesRequestMessage, payload);
    const rows = await this.repository.failedDeliveries(request.tenantId, request.webhookId, new Date(request.from), new Date(request.to), request.limit);
    return rows.map(({ delivery, body }) => ({
      deliveryId: delivery._id,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      identifiers: delivery.identifiers,
      body,
      createdAt: delivery.createdAt.toISOString(),
      attempt: delivery.lastAttempt + 1,
    }));
  }

  @MessagePattern(RpcPatterns.listLogs)
  async list(@Payload() payload: unknown): Promise<LogsPage<AttemptLogView | DeliveryLogView>> {
    const request = validRpcPayload(ListLogsRequestMessage, payload);
    const page =
      request.view === 'deliveries'
        ? await this.repository.listDeliveries(request).then(({ rows, total }) => ({ data: rows.map(toDeliveryView), total }))
        : await this.repository.listAttempts(request).then(({ rows, total }) => ({ data: rows.map(toAttemptView), total }));
    return {
      data: page.data,
      pagination: paginationOf(request.page, request.perPage, page.total),
    };
  }
}
