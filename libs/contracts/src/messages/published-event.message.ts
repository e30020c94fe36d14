import { IsISO8601, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CLIENT_ID_PATTERN, EVENT_ID_PATTERN, EVENT_TYPE_MAX_LENGTH, EVENT_TYPE_PATTERN } from '../identifiers';
import { IsStringRecord } from '../validation';

/**
 * The body of a domain event published on `webhooks.events.<tenantId>.<eventType>`.
 * The subject's event type is authoritative; `event` must equal it.
 */
export class PublishedEventMessage {
  /** Stable event id; also the `Nats-Msg-Id`, so republishing the same event is a no-op. */
  @IsOptional()
  @IsString()
  @Matches(EVENT_ID_PATTERN, { message: 'id must be 1-128 characters of letters, digits, _ . : -' })
  id?: string;

  @IsString()
  @MaxLength(EVENT_TYPE_MAX_LENGTH)
  @Matches(EVENT_TYPE_PATTERN, { message: 'event must be dot-separated segments of letters, digits, _ and -' })
  event!: string;

  /** When the event happened (ISO-8601); defaults to the time it was published. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'timestamp must be an ISO-8601 date-time' })
  timestamp?: string;

  @IsObject({ message: 'data must be a JSON object' })
  data!: Record<string, unknown>;

  /**
   * Who published the event (a service's name), shown as `client_id` in the delivery logs.
   * HTTP ingest sets it to the API key that published the event.
   */
  @IsOptional()
  @IsString()
  @Matches(CLIENT_ID_PATTERN, { message: 'source must be 1-128 characters of letters, digits, _ . : @ / -' })
  source?: string;

  /** Related entity ids (for example a message id) that make a delivery traceable. */
  @IsOptional()
  @IsStringRecord(20, 256)
  identifiers?: Record<string, string>;
}
