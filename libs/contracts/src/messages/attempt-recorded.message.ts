import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ATTEMPT_ERROR_CODES, ATTEMPT_TRIGGERS, DELIVERY_STATUSES, type AttemptErrorCode, type AttemptTrigger, type DeliveryStatus } from '../enums';
import { IsClientId, IsDeliveryId, IsEndpointId, IsEventId, IsEventType, IsTenantId } from '../identifiers';
import { IsTraceparent } from '../trace-context';
import { IsStringRecord } from '../validation';
import { MAX_ATTEMPTS_PER_DELIVERY } from './delivery-task.message';

/** Most deliveries one event creates: one per endpoint of its tenant. */
export const MAX_DELIVERIES_PER_EVENT = 1000;

/**
 * What a secret header value (an endpoint's auth and custom headers, a cookie) is replaced by in
 * an attempt record and in the stored log: a stored value that API answers and exports show, so
 * the dispatcher, which redacts before a record leaves it, and log-service, which redacts again
 * at storage, must write the same one.
 */
export const REDACTED_HEADER_VALUE = '[redacted]';

/** The request as sent, with secret header values already replaced by {@link REDACTED_HEADER_VALUE}. */
export class AttemptRequestRecord {
  @IsIn(['POST'])
  method!: 'POST';

  @IsString()
  @MaxLength(2048)
  url!: string;

  @IsStringRecord(64, 8192)
  headers!: Record<string, string>;

  @IsString()
  body!: string;
}

/** The endpoint's answer; absent when no response arrived. */
export class AttemptResponseRecord {
  @IsInt()
  @Min(100)
  @Max(599)
  status!: number;

  @IsStringRecord(200, 8192)
  headers!: Record<string, string>;

  /** Response body as text, cut at the configured limit. */
  @IsString()
  body!: string;

  @IsBoolean()
  bodyTruncated!: boolean;
}

export class AttemptErrorRecord {
  @IsIn(ATTEMPT_ERROR_CODES)
  code!: AttemptErrorCode;

  @IsString()
  @MaxLength(2000)
  message!: string;
}

/** What the log records of a delivered event say about the event itself. */
export class DeliveredEventFields {
  @IsTenantId()
  tenantId!: string;

  @IsEventId()
  eventId!: string;

  @IsEventType()
  eventType!: string;

  @IsOptional()
  @IsStringRecord(20, 256)
  identifiers?: Record<string, string>;

  /** Who published the event, when known. */
  @IsOptional()
  @IsClientId()
  clientId?: string;
}

/**
 * One delivery attempt, published by the dispatcher on `webhooks.attempts.v1.<tenantId>` and
 * written by log-service. `(deliveryId, attempt)` is unique, so replays are harmless.
 */
export class AttemptRecordedMessage extends DeliveredEventFields {
  @IsEndpointId()
  endpointId!: string;

  /** The endpoint's description at the time of the attempt, for search and display. */
  @IsString()
  @MaxLength(500)
  endpointName!: string;

  @IsString()
  @MaxLength(2048)
  endpointUrl!: string;

  @IsDeliveryId()
  deliveryId!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_ATTEMPTS_PER_DELIVERY)
  attempt!: number;

  @IsIn(ATTEMPT_TRIGGERS)
  trigger!: AttemptTrigger;

  /** Status of the delivery after this attempt. */
  @IsIn(DELIVERY_STATUSES)
  status!: DeliveryStatus;

  @ValidateNested()
  @Type(() => AttemptRequestRecord)
  request!: AttemptRequestRecord;

  @IsOptional()
  @ValidateNested()
  @Type(() => AttemptResponseRecord)
  response?: AttemptResponseRecord;

  @IsOptional()
  @ValidateNested()
  @Type(() => AttemptErrorRecord)
  error?: AttemptErrorRecord;

  @IsInt()
  @Min(0)
  durationMs!: number;

  /** When the delivery was created. */
  @IsISO8601({ strict: true })
  deliveryCreatedAt!: string;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  completedAt!: string;

  /** When the next automatic attempt is due; only while `status` is `retrying`. */
  @IsOptional()
  @IsISO8601({ strict: true })
  nextAttemptAt?: string;

  /**
   * The trace context of the attempt (W3C `traceparent`: the attempt's span when spans are
   * exported, else the publisher's context passed through); absent when the event came without
   * one and nothing is exported. log-service stores its trace id and parents its write span on it.
   * Added after the first version: a log-service that predates it refuses records that carry it.
   */
  @IsOptional()
  @IsTraceparent()
  traceparent?: string;
}

/** One delivery fan-out created: the endpoint it goes to. */
export class CreatedDeliveryRecord {
  @IsDeliveryId()
  deliveryId!: string;

  @IsEndpointId()
  endpointId!: string;

  @IsString()
  @MaxLength(500)
  endpointName!: string;

  @IsString()
  @MaxLength(2048)
  endpointUrl!: string;
}

/**
 * The deliveries fan-out created for one event, published on
 * `webhooks.attempts.v1.<tenantId>.created` before any of them is attempted, so log-service
 * shows them as `pending` while they wait (behind a cap, a rate limit, a pause, a backlog).
 * One message per event, however many endpoints; storing it twice is harmless.
 */
export class DeliveriesCreatedMessage extends DeliveredEventFields {
  /** When fan-out created the deliveries. */
  @IsISO8601({ strict: true })
  createdAt!: string;

  @IsArray()
  @ArrayMaxSize(MAX_DELIVERIES_PER_EVENT)
  @ValidateNested({ each: true })
  @Type(() => CreatedDeliveryRecord)
  deliveries!: CreatedDeliveryRecord[];
}

/**
 * Attempt records and created deliveries of one tenant stored as one message, on
 * `webhooks.attempts.v1.<tenantId>.batch`: the dispatcher groups what it records while its
 * previous group is being stored. Readers validate each entry on its own, so one bad entry
 * does not hold back the others.
 */
export interface AttemptLogBatch {
  attempts: AttemptRecordedMessage[];
  created: DeliveriesCreatedMessage[];
}
