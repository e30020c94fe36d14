import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MAX_CURSOR_LENGTH } from './list-logs.message';
import type { AttemptErrorCode } from '../enums';
import { IsEndpointId, IsTenantId } from '../identifiers';
import { DeliveryContentMessage, MAX_ATTEMPTS_PER_DELIVERY } from './delivery-task.message';

/** Event type of test sends. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Most deliveries one recover request re-sends. */
export const MAX_RECOVER_DELIVERIES = 1000;

/** Send a `webhook.test` event to an endpoint now (pattern `rpc.dispatcher.v1.webhooks.test`). */
export class TestWebhookRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsEndpointId()
  webhookId!: string;
}

/** A delivery to attempt again: what its last attempt sent, and the next attempt number. */
export class RedeliveryMessage extends DeliveryContentMessage {
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(MAX_ATTEMPTS_PER_DELIVERY)
  attempt!: number;
}

/** Attempt one delivery again now, with trigger `manual` (pattern `rpc.dispatcher.v1.deliveries.retry`). */
export class RetryDeliveryRequestMessage extends RedeliveryMessage {
  @IsTenantId()
  tenantId!: string;

  @IsEndpointId()
  webhookId!: string;
}

/** Queue manual attempts of many failed deliveries (pattern `rpc.dispatcher.v1.deliveries.recover`). */
export class RecoverDeliveriesRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsEndpointId()
  webhookId!: string;

  @IsArray()
  @ArrayMaxSize(MAX_RECOVER_DELIVERIES)
  @ValidateNested({ each: true })
  @Type(() => RedeliveryMessage)
  deliveries!: RedeliveryMessage[];
}

/** The outcome of an attempt made on request. */
export interface AttemptResultView {
  success: boolean;
  log_id: string;
  delivery_id: string;
  attempt: number;
  http_status: number | null;
  duration_ms: number;
  error: string | null;
  error_code: AttemptErrorCode | null;
}

/**
 * Failed deliveries of an endpoint in a window, oldest first, with the body each last sent, for
 * recover (pattern `rpc.log-service.v1.deliveries.failed`). A page ends at `limit` deliveries
 * or when the reply would outgrow the NATS payload budget; `next` continues it.
 */
export class FailedDeliveriesRequestMessage {
  @IsTenantId()
  tenantId!: string;

  @IsEndpointId()
  webhookId!: string;

  @IsISO8601({ strict: true })
  from!: string;

  @IsISO8601({ strict: true })
  to!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_RECOVER_DELIVERIES + 1)
  limit!: number;

  /** The `next` of the previous page (opaque). */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_CURSOR_LENGTH)
  after?: string;
}

/** A page of failed deliveries to re-send. */
export interface FailedDeliveriesPage {
  deliveries: RedeliveryMessage[];
  next: string | null;
}
