import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ATTEMPT_TRIGGERS, type AttemptTrigger } from '../enums';
import { IsClientId, IsDeliveryId, IsEndpointId, IsEventId, IsEventType, IsTenantId } from '../identifiers';
import { IsStringRecord } from '../validation';

/** Upper bound on attempts of one delivery, automatic and manual together. */
export const MAX_ATTEMPTS_PER_DELIVERY = 100;

/** What a delivery sends on every attempt: the same id, event and body each time. */
export class DeliveryContentMessage {
  /** Deterministic per (event, endpoint); sent as `webhook-id` on every attempt. */
  @IsDeliveryId()
  deliveryId!: string;

  @IsEventId()
  eventId!: string;

  @IsEventType()
  eventType!: string;

  @IsOptional()
  @IsStringRecord(20, 256)
  identifiers?: Record<string, string>;

  /** The exact request body; it is signed and sent byte for byte. */
  @IsString()
  @MaxLength(2 * 1024 * 1024)
  body!: string;

  /** When the delivery was created (the event was fanned out). */
  @IsISO8601({ strict: true })
  createdAt!: string;

  /** Who published the event (its `source`), when known. */
  @IsOptional()
  @IsClientId()
  clientId?: string;

  /**
   * When the event occurred (its `timestamp`), sent as `X-Webhook-Timestamp`. Absent on tasks of
   * earlier versions and on redeliveries, whose body holds it.
   */
  @IsOptional()
  @IsISO8601({ strict: true })
  eventTimestamp?: string;
}

/**
 * One delivery of one event to one endpoint, published by the dispatcher's fan-out on
 * `webhooks.deliveries.v1.<tenantId>.<endpointId>` (first attempt) or
 * `webhooks.retries.v1.<tenantId>.<endpointId>` (later attempts).
 */
export class DeliveryTaskMessage extends DeliveryContentMessage {
  @IsTenantId()
  tenantId!: string;

  @IsEndpointId()
  endpointId!: string;

  /** Number of the attempt this task asks for, starting at 1. */
  @IsInt()
  @Min(1)
  @Max(MAX_ATTEMPTS_PER_DELIVERY)
  attempt!: number;

  @IsIn(ATTEMPT_TRIGGERS)
  trigger!: AttemptTrigger;

  /** Earliest time of this attempt; absent means now. */
  @IsOptional()
  @IsISO8601({ strict: true })
  notBefore?: string;
}
