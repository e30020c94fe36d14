import { IsIn, IsInt, IsISO8601, IsString, MaxLength, Min } from 'class-validator';
import { IsEndpointId, IsTenantId } from '../identifiers';

/** A failing endpoint's state, kept in the health bucket until its next success. */
export class EndpointHealthMessage {
  /** When the current run of failures began. */
  @IsISO8601({ strict: true })
  failingSince!: string;

  @IsInt()
  @Min(1)
  consecutiveFailures!: number;
}

export const ENDPOINT_DISABLED_REASONS = ['gone', 'failing'] as const;
export type EndpointDisabledReason = (typeof ENDPOINT_DISABLED_REASONS)[number];

/**
 * Published by the dispatcher on `webhooks.ops.v1.endpoint.disabled` when it stops delivering
 * to an endpoint: it answered 410 Gone, or it failed without a success for the whole window.
 */
export class EndpointDisabledMessage {
  @IsTenantId()
  tenantId!: string;

  @IsEndpointId()
  endpointId!: string;

  @IsIn(ENDPOINT_DISABLED_REASONS)
  reason!: EndpointDisabledReason;

  /** Readable explanation, e.g. "failing since 2026-03-01T10:00:00Z (412 failures)". */
  @IsString()
  @MaxLength(500)
  detail!: string;

  /** The endpoint configuration revision that was disabled; a later change wins. */
  @IsInt()
  @Min(1)
  revision!: number;

  @IsISO8601({ strict: true })
  disabledAt!: string;
}
