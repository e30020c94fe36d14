import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  AttemptTrigger,
  DeliveryStatus,
  RecoverDeliveriesRequestMessage,
  RetryDeliveryRequestMessage,
  RpcErrorCode,
  RpcPatterns,
  TEST_EVENT_TYPE,
  randomDeliveryId,
  TestWebhookRequestMessage,
  attemptIdOf,
  type AttemptRecordedMessage,
  type AttemptResultView,
  type DeliveryTaskMessage,
  type EndpointSnapshotMessage,
} from '@wirehook/contracts';
import { validRpcPayload } from '@wirehook/nats';
import { DeliveryService } from '../delivery/delivery.service';
import { EndpointDirectory } from '../endpoints/endpoint-directory.service';

function resultOf(record: AttemptRecordedMessage): AttemptResultView {
  return {
    success: record.status === DeliveryStatus.success,
    log_id: attemptIdOf(record),
    delivery_id: record.deliveryId,
    attempt: record.attempt,
    http_status: record.response?.status ?? null,
    duration_ms: record.durationMs,
    error: record.error?.message ?? null,
    error_code: record.error?.code ?? null,
  };
}

/**
 * Deliveries made on request from config-api: a test event, a manual retry of one delivery
 * (same `webhook-id`, next attempt number) and a recover of many failed deliveries.
 */
@Controller()
export class DeliveryCommandsHandler {
  constructor(
    private readonly directory: EndpointDirectory,
    private readonly deliveries: DeliveryService,
  ) {}

  private endpoint(tenantId: string, webhookId: string): EndpointSnapshotMessage {
    const endpoint = this.directory.get(tenantId, webhookId);
    if (!endpoint) throw new RpcException({ code: RpcErrorCode.notFound, message: `webhook '${webhookId}' was not found` });
    return endpoint;
  }

  @MessagePattern(RpcPatterns.testWebhook)
  async test(@Payload() payload: unknown): Promise<AttemptResultView> {
    const request = validRpcPayload(TestWebhookRequestMessage, payload);
    const endpoint = this.endpoint(request.tenantId, request.webhookId);
    const now = new Date().toISOString();
    const task: DeliveryTaskMessage = {
      deliveryId: randomDeliveryId(),
      tenantId: request.tenantId,
      endpointId: endpoint.id,
      eventId: `evt_test_${randomUUID()}`,
      eventType: TEST_EVENT_TYPE,
      body: JSON.stringify({
        event: TEST_EVENT_TYPE,
        timestamp: now,
        [endpoint.tenantField]: request.tenantId,
        data: { message: 'This is a test webhook from wirehook.' },
      }),
      createdAt: now,
      attempt: 1,
      trigger: AttemptTrigger.test,
    };
    return this.attemptWhileCallerWaits(endpoint, task);
  }

  @MessagePattern(RpcPatterns.retryDelivery)
  async retry(@Payload() payload: unknown): Promise<AttemptResultView> {
    const request = validRpcPayload(RetryDeliveryRequestMessage, payload);
    const endpoint = this.endpoint(request.tenantId, request.webhookId);
    const { tenantId, webhookId, ...redelivery } = request;
    const task: DeliveryTaskMessage = { ...redelivery, tenantId, endpointId: webhookId, trigger: AttemptTrigger.manual };
    return this.attemptWhileCallerWaits(endpoint, task);
  }

  /**
   * Makes a test send or a single manual retry at once, outside the endpoint gate: its
   * concurrency cap and rate limit do not apply. On purpose: it is one request a person asked
   * for and waits on over RPC, so queueing it behind the endpoint's backlog (or refusing it when
   * the queue is full, or when another replica holds the whole cap) would leave them waiting or
   * timing out on the very endpoint they are checking, while one request more is no load the
   * limits exist to prevent. Requests that can be many (a recover) go through the retry stream
   * and so through the gate, like every automatic attempt.
   */
  private async attemptWhileCallerWaits(endpoint: EndpointSnapshotMessage, task: DeliveryTaskMessage): Promise<AttemptResultView> {
    return resultOf((await this.deliveries.attempt(endpoint, task)).record);
  }

  /** Queues the attempts durably on the retry stream, so a large recover never blocks the caller. */
  @MessagePattern(RpcPatterns.recoverDeliveries)
  async recover(@Payload() payload: unknown): Promise<{ queued: number }> {
    const request = validRpcPayload(RecoverDeliveriesRequestMessage, payload);
    this.endpoint(request.tenantId, request.webhookId);
    const notBefore = new Date().toISOString();
    await Promise.all(
      request.deliveries.map((delivery) =>
        this.deliveries.scheduleRetry(
          { ...delivery, tenantId: request.tenantId, endpointId: request.webhookId, trigger: AttemptTrigger.manual, notBefore },
          attemptIdOf(delivery),
        ),
      ),
    );
    return { queued: request.deliveries.length };
  }
}
