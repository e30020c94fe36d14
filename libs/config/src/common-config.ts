import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, type ValidationOptions } from 'class-validator';
import * as ipaddr from 'ipaddr.js';
import type { NatsClientSettings } from '@wirehook/nats';
import { EnvBoolean, EnvInt, EnvList, SecretSetting } from './load-config';
import { LOG_LEVELS, type AppLogLevel } from './json-logger';
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

/** The base64 text of exactly 32 bytes. */
function IsBase64Key(options: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isBase64Key',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32,
      },
    },
    options,
  );
}

/** Adds the key that encrypts secrets at rest. */
export function withEncryptionKey<T extends Constructor>(Base: T) {
  class EncryptionSettings extends Base {
    @SecretSetting()
    @IsBase64Key({ message: 'CONFIG_ENCRYPTION_KEY must be the base64 text of 32 random bytes (openssl rand -base64 32)' })
    CONFIG_ENCRYPTION_KEY!: string;
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
  return ValidateBy(
    { name: 'isCidrList', validator: { validate: (value: unknown) => Array.isArray(value) && value.every(isCidr) } },
    options,
  );
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
  }
  return DeliveryPolicySettings;
}
