import { IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { AppConfig, EnvInt, EnvList, withDeliveryPolicy, withEncryptionKey } from '@wirehook/config';
import { parseDuration } from '../delivery/retry-schedule';

/** A comma-separated list of durations such as `5s,5m,30m,2h`. */
function IsDurationList() {
  return ValidateBy(
    {
      name: 'isDurationList',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.length <= 30 && value.every((item) => typeof item === 'string' && parseDuration(item) !== undefined),
      },
    },
    { message: 'DELIVERY_RETRY_SCHEDULE must be at most 30 comma-separated durations such as 5s,5m,30m,2h' },
  );
}

/** Environment of the dispatcher. */
export class DispatcherConfig extends withDeliveryPolicy(withEncryptionKey(AppConfig)) {
  override PORT = 3001;

  /** PEM file of extra CAs trusted for endpoints (private PKI, self-signed test receivers). */
  @IsOptional()
  @IsString()
  DELIVERY_EXTRA_CA_FILE?: string;

  /** Events with a larger body are dead-lettered. */
  @EnvInt()
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024)
  DELIVERY_MAX_PAYLOAD_BYTES = 256 * 1024;

  /** Response bodies are stored up to this size. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(1024 * 1024)
  DELIVERY_RESPONSE_BODY_LIMIT_BYTES = 64 * 1024;

  /** Delivery attempts in flight in this process. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10000)
  DELIVERY_CONCURRENCY = 256;

  /** Default delays before attempts 2, 3, ... (endpoints may override); jittered by ±20%. */
  @EnvList()
  @IsDurationList()
  DELIVERY_RETRY_SCHEDULE: string[] = ['5s', '5m', '30m', '2h', '5h', '10h', '10h'];
}
