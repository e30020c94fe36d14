import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { EndpointAuthType } from '../enums';
import { EVENT_PATTERN_PATTERN, IsEndpointId, IsTenantId } from '../identifiers';
import { IsStringRecord } from '../validation';

/** A signing secret, encrypted with the platform key (`enc:v1:...`). */
export class EndpointSecretSnapshot {
  @IsString()
  encrypted!: string;

  /** Absent for the current secret; set for a previous one that still signs until then. */
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class EndpointAuthSnapshot {
  @IsIn([EndpointAuthType.bearer, EndpointAuthType.header])
  type!: typeof EndpointAuthType.bearer | typeof EndpointAuthType.header;

  /** Header name for `header` auth. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  headerName?: string;

  /** Token or header value, encrypted. */
  @IsString()
  encryptedValue!: string;
}

/**
 * What the dispatcher needs to know about one endpoint, replicated by config-api into the
 * `webhook_config_v1` KV bucket under `endpoints.<tenantId>.<endpointId>`. Secret values stay
 * encrypted; the dispatcher decrypts them with the same platform key.
 */
export class EndpointSnapshotMessage {
  @IsEndpointId()
  id!: string;

  @IsTenantId()
  tenantId!: string;

  @IsString()
  @MaxLength(2048)
  url!: string;

  @IsString()
  @MaxLength(500)
  description!: string;

  @IsArray()
  @ArrayMaxSize(100)
  @Matches(EVENT_PATTERN_PATTERN, { each: true })
  events!: string[];

  @IsBoolean()
  active!: boolean;

  @IsArray()
  @ArrayMaxSize(11)
  @ValidateNested({ each: true })
  @Type(() => EndpointSecretSnapshot)
  secrets!: EndpointSecretSnapshot[];

  @IsOptional()
  @ValidateNested()
  @Type(() => EndpointAuthSnapshot)
  auth?: EndpointAuthSnapshot;

  /** Extra request headers; values encrypted. */
  @IsStringRecord(20, 4096)
  encryptedHeaders!: Record<string, string>;

  @IsInt()
  @Min(1000)
  @Max(30000)
  timeoutMs!: number;

  /**
   * Delays before attempt 2, 3, ... in milliseconds; its length is the number of retries.
   * Absent: the dispatcher's default schedule.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsInt({ each: true })
  @Min(0, { each: true })
  retryScheduleMs?: number[];

  @IsInt()
  @Min(1)
  @Max(1000)
  maxConcurrency!: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  rateLimitPerSecond?: number;

  /** Name of the tenant field in the payload envelope (`tenantId`, or `companyId` for older receivers). */
  @IsIn(['tenantId', 'companyId'])
  tenantField!: 'tenantId' | 'companyId';

  /** Grows with every change, so readers can drop stale writes. */
  @IsInt()
  @Min(1)
  revision!: number;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}

/** A tenant, replicated under `tenants.<tenantId>` so the dispatcher can tell unknown tenants apart. */
export class TenantSnapshotMessage {
  @IsTenantId()
  id!: string;

  @IsString()
  @MaxLength(200)
  name!: string;

  @IsInt()
  @Min(1)
  revision!: number;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}
