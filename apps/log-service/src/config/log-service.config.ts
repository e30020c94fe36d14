import { IsInt, Max, Min } from 'class-validator';
import { AppConfig, EnvInt, withMongo } from '@wirehook/config';

/** Environment of log-service. */
export class LogServiceConfig extends withMongo(AppConfig) {
  override PORT = 3002;

  /** Attempt records written to MongoDB in one batch. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1000)
  LOG_WRITE_BATCH_SIZE = 100;

  /** Longest wait for a batch to fill before writing what arrived. */
  @EnvInt()
  @IsInt()
  @Min(10)
  @Max(5000)
  LOG_WRITE_MAX_WAIT_MS = 200;
}
