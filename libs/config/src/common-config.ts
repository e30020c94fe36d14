import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { Transform } from 'class-transformer';
import * as ipaddr from 'ipaddr.js';
import type { NatsClientSettings } from '@wirehook/nats';
import { EnvBoolean, EnvInt, EnvList, SecretSetting } from './load-config';
import { LOG_LEVELS, type AppLogLevel } from '@wirehook/logging';
import {
  IsKeyOfCertificate,
  IsNatsCredsFile,
  IsNotSetWith,
  IsPemFile,
  IsSetWith,
  IsTheOnlyNatsAuthMethod,
  IsUserNkeySeed,
  natsClientSettingsOf,
} from './nats-settings';
import { EnvFile, IsReadableSettingFile, type SettingFile } from './setting-file';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern requires this constructor type
type Constructor<T = object> = new (...args: any[]) => T;

/** A setting that must differ from another one (two listeners cannot share a port). */
function IsNotEqualTo(other: string, options: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isNotEqualTo',
      validator: { validate: (value: unknown, args) => value !== (args?.object as Record<string, unknown> | undefined)?.[other] },
    },
    options,
  );
}

/** Settings every app has. */
export class AppConfig {
  /** HTTP port of the app (API for config-api; health and metrics for the others). */
  @EnvInt()
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT = 3000;

  @IsString()
  @Matches(/^(nats|tls|ws|wss):\/\/\S+$/, { message: 'NATS_URL must be a nats:// URL (several may be comma-separated)' })
  NATS_URL = 'nats://127.0.0.1:4222';

  /**
   * Copies of every stream and KV bucket a NATS cluster keeps (3 on a 3-node cluster, so a lost
   * node loses nothing). Applied when a stream is created and when an app starts against an
   * existing one, so raising it moves a running deployment to the new count.
   */
  @EnvInt()
  @IsInt({ message: 'NATS_STREAM_REPLICAS must be an integer between 1 and 5' })
  @Min(1, { message: 'NATS_STREAM_REPLICAS must be an integer between 1 and 5' })
  @Max(5, { message: 'NATS_STREAM_REPLICAS must be an integer between 1 and 5' })
  NATS_STREAM_REPLICAS = 1;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: AppLogLevel = 'info';

  /** How long a graceful shutdown may take before the process exits anyway. */
  @EnvInt()
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer' })
  @Min(1000, { message: 'SHUTDOWN_TIMEOUT_MS must be at least 1000' })
  SHUTDOWN_TIMEOUT_MS = 25000;

  /**
   * When set, `GET /metrics` answers only requests with `Authorization: Bearer <token>` (401
   * otherwise): the metrics name every tenant's endpoint ids. Unset, the route is open.
   */
  @SecretSetting()
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'METRICS_TOKEN must be printable ASCII without spaces' })
  METRICS_TOKEN?: string;

  /**
   * When set, `GET /metrics` is served only on this port, by a listener of its own, and PORT
   * answers 404 for it: what exposes PORT (an Ingress) never exposes the metrics. Unset, the
   * metrics are on PORT.
   */
  @EnvInt()
  @IsOptional()
  @IsInt({ message: 'METRICS_PORT must be an integer between 1 and 65535, other than PORT' })
  @Min(1, { message: 'METRICS_PORT must be an integer between 1 and 65535, other than PORT' })
  @Max(65535, { message: 'METRICS_PORT must be an integer between 1 and 65535, other than PORT' })
  @IsNotEqualTo('PORT', { message: 'METRICS_PORT must be an integer between 1 and 65535, other than PORT' })
  METRICS_PORT?: number;

  /**
   * OpenTelemetry collector (OTLP over HTTP, JSON) the app exports its spans to, as a base URL:
   * spans go to `<it>/v1/traces`. Unset, no span is made or exported; a trace context received
   * with an event is still passed on to the endpoints.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL of an OTLP collector, such as http://otel-collector:4318',
  })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** `service.name` of the app's spans; unset, the app's name (config-api, dispatcher, log-service). */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'OTEL_SERVICE_NAME must be 1-128 printable ASCII characters without spaces' })
  OTEL_SERVICE_NAME?: string;

  // How to authenticate to NATS: at most one way. `*_FILE` settings name files holding the
  // secret (mounted secrets); they are read once, at boot.

  /** Operator/JWT mode: a .creds file holding the user JWT and its NKey seed. */
  @IsOptional()
  @EnvFile()
  @IsReadableSettingFile('NATS_CREDS_FILE must name a readable .creds file')
  @IsNatsCredsFile()
  @IsTheOnlyNatsAuthMethod()
  NATS_CREDS_FILE?: SettingFile;

  @IsOptional()
  @SecretSetting()
  @IsUserNkeySeed()
  @IsNotSetWith('NATS_NKEY_SEED_FILE')
  @IsTheOnlyNatsAuthMethod()
  NATS_NKEY_SEED?: string;

  @IsOptional()
  @EnvFile()
  @IsReadableSettingFile('NATS_NKEY_SEED_FILE must name a readable file holding the NKey seed')
  @IsUserNkeySeed()
  @IsTheOnlyNatsAuthMethod()
  NATS_NKEY_SEED_FILE?: SettingFile;

  @IsOptional()
  @IsString()
  @IsSetWith(['NATS_PASSWORD', 'NATS_PASSWORD_FILE'])
  @IsTheOnlyNatsAuthMethod()
  NATS_USER?: string;

  @IsOptional()
  @SecretSetting()
  @IsString()
  @IsSetWith(['NATS_USER'])
  @IsNotSetWith('NATS_PASSWORD_FILE')
  @IsTheOnlyNatsAuthMethod()
  NATS_PASSWORD?: string;

  @IsOptional()
  @EnvFile()
  @IsReadableSettingFile('NATS_PASSWORD_FILE must name a readable file holding the password')
  @IsSetWith(['NATS_USER'])
  @IsTheOnlyNatsAuthMethod()
  NATS_PASSWORD_FILE?: SettingFile;

  @IsOptional()
  @SecretSetting()
  @IsString()
  @IsNotSetWith('NATS_TOKEN_FILE')
  @IsTheOnlyNatsAuthMethod()
  NATS_TOKEN?: string;

  @IsOptional()
  @EnvFile()
  @IsReadableSettingFile('NATS_TOKEN_FILE must name a readable file holding the token')
  @IsTheOnlyNatsAuthMethod()
  NATS_TOKEN_FILE?: SettingFile;

  // TLS to NATS: on with a CA file, a client certificate or a tls:// URL in NATS_URL. The
  // client reads these files at every (re)connect, so a renewed certificate is picked up.

  /** CA that signed the NATS server's certificate; unset, the system's trusted CAs are used. */
  @IsOptional()
  @IsPemFile('certificate')
  NATS_TLS_CA_FILE?: string;

  /** Client certificate, for a server that verifies clients (mutual TLS); with NATS_TLS_KEY_FILE. */
  @IsOptional()
  @IsPemFile('certificate')
  @IsSetWith(['NATS_TLS_KEY_FILE'])
  NATS_TLS_CERT_FILE?: string;

  @IsOptional()
  @IsPemFile('private key')
  @IsSetWith(['NATS_TLS_CERT_FILE'])
  @IsKeyOfCertificate('NATS_TLS_CERT_FILE')
  NATS_TLS_KEY_FILE?: string;

  /** How this app connects to NATS, from the settings above. */
  natsClientSettings(): NatsClientSettings {
    return natsClientSettingsOf(this);
  }
}

/** Adds the MongoDB connection. */
export function withMongo<T extends Constructor>(Base: T) {
  class MongoSettings extends Base {
    /** Secret: a URI may carry a user's password. */
    @SecretSetting()
    @IsString()
    @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI' })
    MONGODB_URI = 'mongodb://127.0.0.1:27017/wirehook';

    /** Write concern for log and config writes; `majority` in production replica sets. */
    @IsString()
    @Matches(/^(majority|\d+)$/, { message: "MONGODB_WRITE_CONCERN must be 'majority' or a number" })
    MONGODB_WRITE_CONCERN = 'majority';

    /** How long a write waits for its write concern before it fails (and is retried) instead of hanging. */
    @EnvInt()
    @IsInt({ message: 'MONGODB_WRITE_TIMEOUT_MS must be an integer between 100 and 600000' })
    @Min(100, { message: 'MONGODB_WRITE_TIMEOUT_MS must be an integer between 100 and 600000' })
    @Max(600_000, { message: 'MONGODB_WRITE_TIMEOUT_MS must be an integer between 100 and 600000' })
    MONGODB_WRITE_TIMEOUT_MS = 10_000;
  }
  return MongoSettings;
}

function isBase64Key(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32;
}

/** The base64 text of exactly 32 bytes. */
function IsBase64Key(options: ValidationOptions) {
  return ValidateBy({ name: 'isBase64Key', validator: { validate: isBase64Key } }, options);
}

/**
 * The first problem of a list of previous encryption keys, or undefined. Keys are compared as
 * bytes: two base64 texts may spell one key.
 */
function previousKeysProblem(previous: unknown, current: unknown): string | undefined {
  const name = 'CONFIG_ENCRYPTION_PREVIOUS_KEYS';
  if (!Array.isArray(previous)) return `${name} must be a comma-separated list of base64 keys of 32 bytes`;
  const seen = new Set<string>();
  const currentKey = isBase64Key(current) ? Buffer.from(current, 'base64').toString('hex') : undefined;
  for (const [index, entry] of previous.entries()) {
    const position = `entry ${index + 1} of ${previous.length}`;
    if (!isBase64Key(entry)) return `${name} must be a comma-separated list of base64 keys of 32 bytes (openssl rand -base64 32); ${position} is not one`;
    const bytes = Buffer.from(entry, 'base64').toString('hex');
    if (bytes === currentKey) return `${name} must not list CONFIG_ENCRYPTION_KEY (${position} is the current key): list only the keys it replaced`;
    if (seen.has(bytes)) return `${name} lists the same key twice (${position})`;
    seen.add(bytes);
  }
  return undefined;
}

/** Valid previous keys: each a base64 32-byte key, none repeated, none the current key. */
function ArePreviousKeys() {
  return ValidateBy({
    name: 'arePreviousKeys',
    validator: {
      validate: (value: unknown, args) => previousKeysProblem(value, (args?.object as { CONFIG_ENCRYPTION_KEY?: unknown }).CONFIG_ENCRYPTION_KEY) === undefined,
      defaultMessage: (args) =>
        previousKeysProblem(args?.value, (args?.object as { CONFIG_ENCRYPTION_KEY?: unknown }).CONFIG_ENCRYPTION_KEY) ??
        'CONFIG_ENCRYPTION_PREVIOUS_KEYS is invalid',
    },
  });
}

/** Adds the key ring that encrypts secrets at rest. */
export function withEncryptionKey<T extends Constructor>(Base: T) {
  class EncryptionSettings extends Base {
    /** Encrypts every secret written; decrypts those written with it. */
    @SecretSetting()
    @IsBase64Key({ message: 'CONFIG_ENCRYPTION_KEY must be the base64 text of 32 random bytes (openssl rand -base64 32)' })
    CONFIG_ENCRYPTION_KEY!: string;

    /**
     * Keys that CONFIG_ENCRYPTION_KEY replaced: they only decrypt values still written with
     * them, until `npm run rotate-encryption-key` has encrypted those again with the current
     * key. Separated by commas (or, in a `_FILE`, by line breaks too); a base64 key holds neither.
     */
    @SecretSetting()
    @Transform(({ value }) => (typeof value === 'string' ? value.split(/[\s,]+/).filter((item) => item.length > 0) : value))
    @ArePreviousKeys()
    CONFIG_ENCRYPTION_PREVIOUS_KEYS: string[] = [];
  }
  return EncryptionSettings;
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
}

/** A list of CIDRs such as `10.0.0.0/8` or `fd00::/8`. */
function IsCidrList(options: ValidationOptions) {
  return ValidateBy({ name: 'isCidrList', validator: { validate: (value: unknown) => Array.isArray(value) && value.every(isCidr) } }, options);
}

/** Adds the outbound delivery policy shared by config-api (write-time checks) and dispatcher. */
export function withDeliveryPolicy<T extends Constructor>(Base: T) {
  class DeliveryPolicySettings extends Base {
    /** Refuse plain-HTTP endpoint URLs. */
    @EnvBoolean()
    @IsBoolean({ message: 'DELIVERY_REQUIRE_HTTPS must be true or false' })
    DELIVERY_REQUIRE_HTTPS = true;

    /** CIDRs exempt from the private-network block (cloud metadata stays blocked). */
    @EnvList()
    @IsCidrList({ message: 'DELIVERY_ALLOW_CIDRS must be a comma-separated list of CIDRs such as 10.0.0.0/8,fd00::/8' })
    DELIVERY_ALLOW_CIDRS: string[] = [];

    /**
     * Largest event body: config-api refuses a larger POST /api/v1/events, and the dispatcher
     * dead-letters a larger event published to NATS.
     */
    @EnvInt()
    @IsInt()
    @Min(1024)
    @Max(1024 * 1024)
    DELIVERY_MAX_PAYLOAD_BYTES = 256 * 1024;
  }
  return DeliveryPolicySettings;
}
