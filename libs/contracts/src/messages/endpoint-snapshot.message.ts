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
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { EndpointAuthType } from '../enums';
import { EVENT_PATTERN_PATTERN, IsEndpointId, IsTenantId } from '../identifiers';
import { isStringRecord } from '../validation';

/**
 * Header names the platform itself sets on deliveries, so an endpoint cannot configure them
 * (`authorization` only as a custom header: the `header` auth type may use it).
 */
export const PLATFORM_HEADER_NAMES: readonly string[] = [
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-webhook-event',
  'x-webhook-timestamp',
  'x-webhook-signature',
  'content-type',
  'user-agent',
];

/** Connection-level (hop-by-hop, framing, proxy) names that HTTP clients set themselves or refuse. */
export const TRANSPORT_HEADER_NAMES: readonly string[] = [
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'http2-settings',
];

/** An HTTP header name (RFC 9110 token), at most 100 characters. */
export const HEADER_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** What a header value may hold: tab, visible ASCII, space and Latin-1; never CR, LF, NUL or other controls. */
export const HEADER_VALUE_PATTERN = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Longest header value an endpoint may configure, in characters. */
export const HEADER_VALUE_MAX_LENGTH = 4096;
/** Longest encrypted value in a snapshot: a {@link HEADER_VALUE_MAX_LENGTH} value of 2-byte characters, encrypted and base64. */
export const ENCRYPTED_VALUE_MAX_LENGTH = 16_384;
/** Custom headers an endpoint may configure. */
export const MAX_CUSTOM_HEADERS = 20;
/** Longest PEM text (client certificate chain or private key) an endpoint may configure, in characters. */
export const TLS_PEM_MAX_LENGTH = 32_768;
/** Longest encrypted PEM in a snapshot: a {@link TLS_PEM_MAX_LENGTH} text, encrypted and base64, with room to spare. */
export const ENCRYPTED_PEM_MAX_LENGTH = 48_000;
/** Longest OAuth2 client id, scope or audience. */
export const OAUTH2_FIELD_MAX_LENGTH = 1024;

/**
 * Why `name` cannot be configured as a delivery header, or undefined when it can. `use` is
 * `header` for custom headers and `auth` for the header of the `header` auth type.
 */
export function headerNameProblem(name: string, use: 'header' | 'auth'): string | undefined {
  if (!HEADER_NAME_PATTERN.test(name)) return `'${name}' is not a valid HTTP header name`;
  const lower = name.toLowerCase();
  if (PLATFORM_HEADER_NAMES.includes(lower)) return `'${name}' is set by the platform on every delivery and cannot be configured`;
  if (TRANSPORT_HEADER_NAMES.includes(lower)) return `'${name}' is a connection header the HTTP client sets itself and cannot be configured`;
  if (use === 'header' && lower === 'authorization') return `'${name}' is set with auth (type bearer, or type header with header_name Authorization)`;
  return undefined;
}

/** Why `value` cannot be sent as a header value, or undefined when it can. */
export function headerValueProblem(value: string): string | undefined {
  if (value.length > HEADER_VALUE_MAX_LENGTH) return `must be at most ${HEADER_VALUE_MAX_LENGTH} characters`;
  if (!HEADER_VALUE_PATTERN.test(value)) return 'must not contain CR, LF, NUL or other control characters, or characters outside Latin-1';
  return undefined;
}

/** Custom delivery headers: at most `maxEntries`, names that {@link headerNameProblem} accepts, string values of bounded length. */
export function IsDeliveryHeaderMap(maxEntries: number, maxValueLength: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isDeliveryHeaderMap',
      constraints: [maxEntries, maxValueLength],
      validator: {
        validate: (value: unknown) => isStringRecord(value, maxEntries, maxValueLength, (name) => headerNameProblem(name, 'header') === undefined),
        defaultMessage: (args) =>
          `${args?.property} must be an object of at most ${maxEntries} headers with names that may be configured and string values of at most ${maxValueLength} characters`,
      },
    },
    options,
  );
}

/** A header name the `header` auth type may use. */
export function IsAuthHeaderName(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isAuthHeaderName',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && headerNameProblem(value, 'auth') === undefined,
        defaultMessage: (args) => `${args?.property} must be a header name that may be configured`,
      },
    },
    options,
  );
}

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
  @IsIn([EndpointAuthType.bearer, EndpointAuthType.header, EndpointAuthType.oauth2])
  type!: typeof EndpointAuthType.bearer | typeof EndpointAuthType.header | typeof EndpointAuthType.oauth2;

  /** Header name for `header` auth; absent for `bearer` and `oauth2`. */
  @ValidateIf((auth: EndpointAuthSnapshot) => auth.type === EndpointAuthType.header || auth.headerName !== undefined)
  @IsAuthHeaderName()
  headerName?: string;

  /** Token or header value, or the OAuth2 client secret, encrypted. */
  @IsString()
  @MaxLength(ENCRYPTED_VALUE_MAX_LENGTH)
  encryptedValue!: string;

  /** `oauth2`: where the dispatcher asks for access tokens (client credentials grant). */
  @ValidateIf((auth: EndpointAuthSnapshot) => auth.type === EndpointAuthType.oauth2 || auth.tokenUrl !== undefined)
  @IsString()
  @MaxLength(2048)
  tokenUrl?: string;

  /** `oauth2`: the client id, sent with the secret in HTTP Basic auth to the token URL. */
  @ValidateIf((auth: EndpointAuthSnapshot) => auth.type === EndpointAuthType.oauth2 || auth.clientId !== undefined)
  @IsString()
  @MaxLength(OAUTH2_FIELD_MAX_LENGTH)
  clientId?: string;

  /** `oauth2`: the `scope` asked for, if any. */
  @IsOptional()
  @IsString()
  @MaxLength(OAUTH2_FIELD_MAX_LENGTH)
  scope?: string;

  /** `oauth2`: the `audience` asked for, if any (Auth0, Okta and others want one). */
  @IsOptional()
  @IsString()
  @MaxLength(OAUTH2_FIELD_MAX_LENGTH)
  audience?: string;
}

/** A client certificate (PEM, leaf first, then any intermediates) and its private key, both encrypted, presented to endpoints that ask for one (mutual TLS). */
export class EndpointTlsClientSnapshot {
  @IsString()
  @MaxLength(ENCRYPTED_PEM_MAX_LENGTH)
  encryptedCertificate!: string;

  @IsString()
  @MaxLength(ENCRYPTED_PEM_MAX_LENGTH)
  encryptedPrivateKey!: string;
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

  /** Client certificate for mutual TLS; absent when the endpoint does not present one. */
  @IsOptional()
  @ValidateNested()
  @Type(() => EndpointTlsClientSnapshot)
  tlsClient?: EndpointTlsClientSnapshot;

  /**
   * An HTTP(S) proxy (`http://user:password@proxy:3128`) this endpoint's requests go through,
   * encrypted (it may hold credentials); absent: the dispatcher's HTTPS_PROXY/HTTP_PROXY rules.
   */
  @IsOptional()
  @IsString()
  @MaxLength(ENCRYPTED_VALUE_MAX_LENGTH)
  encryptedProxyUrl?: string;

  /** Extra request headers; values encrypted. */
  @IsDeliveryHeaderMap(MAX_CUSTOM_HEADERS, ENCRYPTED_VALUE_MAX_LENGTH)
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
  @Max(10_000)
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
