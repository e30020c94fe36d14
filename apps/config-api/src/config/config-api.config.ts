import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { AppConfig, EnvInt, SecretSetting, withDeliveryPolicy, withEncryptionKey, withMongo } from '@wirehook/config';

/** Environment of config-api. */
export class ConfigApiConfig extends withDeliveryPolicy(withEncryptionKey(withMongo(AppConfig))) {
  override PORT = 3000;

  /** The platform operator's key: manages tenants and their API keys. */
  @SecretSetting()
  @IsString({ message: 'ADMIN_API_KEY must be set: the platform operator key (at least 24 characters)' })
  @MinLength(24, { message: 'ADMIN_API_KEY must be at least 24 characters' })
  ADMIN_API_KEY!: string;

  @EnvInt()
  @IsInt({ message: 'MAX_WEBHOOKS_PER_TENANT must be an integer between 1 and 1000' })
  @Min(1, { message: 'MAX_WEBHOOKS_PER_TENANT must be an integer between 1 and 1000' })
  @Max(1000, { message: 'MAX_WEBHOOKS_PER_TENANT must be an integer between 1 and 1000' })
  MAX_WEBHOOKS_PER_TENANT = 20;

  /** How long config-api waits for an internal service to answer. */
  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60000)
  RPC_TIMEOUT_MS = 5000;

  /** Delivery tasks one replay queues per second at most, so live traffic goes first. */
  @EnvInt()
  @IsInt({ message: 'REPLAY_RATE_PER_SECOND must be an integer between 1 and 10000' })
  @Min(1, { message: 'REPLAY_RATE_PER_SECOND must be an integer between 1 and 10000' })
  @Max(10000, { message: 'REPLAY_RATE_PER_SECOND must be an integer between 1 and 10000' })
  REPLAY_RATE_PER_SECOND = 50;

  /** Replays wait while more delivery tasks than this wait for the dispatcher (0: while any wait). */
  @EnvInt()
  @IsInt({ message: 'REPLAY_MAX_DELIVERY_BACKLOG must be an integer between 0 and 1000000' })
  @Min(0, { message: 'REPLAY_MAX_DELIVERY_BACKLOG must be an integer between 0 and 1000000' })
  @Max(1_000_000, { message: 'REPLAY_MAX_DELIVERY_BACKLOG must be an integer between 0 and 1000000' })
  REPLAY_MAX_DELIVERY_BACKLOG = 1000;
}
