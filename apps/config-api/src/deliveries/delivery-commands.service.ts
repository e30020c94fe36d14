import { Injectable } from '@nestjs/common';
import { ApiErrorCode, MAX_RECOVER_DELIVERIES, TEST_EVENT_TYPE, type AttemptResultView } from '@wirehook/contracts';
import { DomainError } from '../errors/domain.error';
import { LogServiceClient } from '../logs/log-service.client';
import { WebhookService } from '../webhooks/webhook.service';
import { DispatcherClient } from './dispatcher.client';

/** Test sends, manual retries and recovers: checked here, carried out by the dispatcher. */
@Injectable()
export class DeliveryCommandsService {
  constructor(
    private readonly webhooks: WebhookService,
    private readonly logs: LogServiceClient,
    private readonly dispatcher: DispatcherClient,
  ) {}

  async test(tenantId: string, webhookId: string): Promise<AttemptResultView> {
    await this.webhooks.get(tenantId, webhookId);
    return this.dispatcher.test({ tenantId, webhookId });
  }

  /**
   * Attempts the delivery of a logged attempt again now: same `webhook-id`, the next attempt
   * number, trigger `manual`. A delivery with an automatic retry still scheduled is left to it.
   */
  async retry(tenantId: string, logId: string): Promise<AttemptResultView> {
    const log = await this.logs.getLog({ tenantId, id: logId });
    const delivery = log.delivery;
    if (!delivery) throw new DomainError('not_found', ApiErrorCode.deliveryNotFound, `the delivery of log '${logId}' was not found`);
    if (delivery.status === 'retrying') {
      throw new DomainError(
        'conflict',
        ApiErrorCode.retryScheduled,
        `an automatic retry of this delivery is scheduled at ${delivery.next_attempt_at}; wait for it`,
      );
    }
    if (delivery.status === 'pending') {
      throw new DomainError('conflict', ApiErrorCode.notAttemptedYet, 'this delivery has not been attempted yet; its first attempt is on its way');
    }
    await this.webhooks.get(tenantId, log.webhook_id);
    return this.dispatcher.retry({
      tenantId,
      webhookId: log.webhook_id,
      deliveryId: log.delivery_id,
      eventId: log.event_id,
      eventType: log.event,
      identifiers: log.identifiers,
      clientId: log.client_id ?? undefined,
      body: log.request.body,
      createdAt: delivery.created_at,
      attempt: delivery.attempts + 1,
    });
  }

  /**
   * Re-sends every failed delivery of a webhook created in the window (at most
   * {@link MAX_RECOVER_DELIVERIES}). Test sends are not events and are left out.
   */
  async recover(tenantId: string, webhookId: string, from: string, to: string): Promise<{ queued: number; truncated: boolean }> {
    await this.webhooks.get(tenantId, webhookId);
    // log-service answers in pages that fit one NATS reply; each page goes to the dispatcher as it comes.
    let queued = 0;
    let found = 0;
    let after: string | undefined;
    do {
      const page = await this.logs.failedDeliveries({ tenantId, webhookId, from, to, limit: MAX_RECOVER_DELIVERIES + 1 - found, after });
      const deliveries = page.deliveries.filter((delivery) => delivery.eventType !== TEST_EVENT_TYPE).slice(0, MAX_RECOVER_DELIVERIES - queued);
      found += page.deliveries.filter((delivery) => delivery.eventType !== TEST_EVENT_TYPE).length;
      if (deliveries.length > 0) queued += (await this.dispatcher.recover({ tenantId, webhookId, deliveries })).queued;
      after = page.next ?? undefined;
    } while (after && found <= MAX_RECOVER_DELIVERIES);
    return { queued, truncated: found > MAX_RECOVER_DELIVERIES };
  }
}
