import { IsInt, Max, Min } from 'class-validator';
import { AppConfig, EnvInt, withMongo } from '@wirehook/config';
import { IsAtLeastProperty } from '@wirehook/contracts';

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

  /** Log queries and export pages of one tenant that run at once in this process; more wait, then get `too_busy`. */
  @EnvInt()
  @IsInt({ message: 'LOG_QUERY_CONCURRENCY_PER_TENANT must be an integer between 1 and 1000' })
  @Min(1, { message: 'LOG_QUERY_CONCURRENCY_PER_TENANT must be an integer between 1 and 1000' })
  @Max(1000, { message: 'LOG_QUERY_CONCURRENCY_PER_TENANT must be an integer between 1 and 1000' })
  LOG_QUERY_CONCURRENCY_PER_TENANT = 4;

  /** Log queries of all tenants that run at once in this process, so together they leave MongoDB's connection pool to the writes. */
  @EnvInt()
  @IsInt({ message: 'LOG_QUERY_CONCURRENCY must be an integer between 1 and 10000' })
  @Min(1, { message: 'LOG_QUERY_CONCURRENCY must be an integer between 1 and 10000' })
  @Max(10000, { message: 'LOG_QUERY_CONCURRENCY must be an integer between 1 and 10000' })
  @IsAtLeastProperty('LOG_QUERY_CONCURRENCY_PER_TENANT', { message: 'LOG_QUERY_CONCURRENCY must be at least LOG_QUERY_CONCURRENCY_PER_TENANT' })
  LOG_QUERY_CONCURRENCY = 16;

  /**
   * Longest wait of a query for its turn before it is refused with `too_busy` (0: refuse at
   * once). Short on purpose: a refusal with `Retry-After` tells the caller more than a wait
   * that ends in config-api's timeout (`RPC_TIMEOUT_MS`).
   */
  @EnvInt()
  @IsInt({ message: 'LOG_QUERY_QUEUE_WAIT_MS must be an integer between 0 and 10000' })
  @Min(0, { message: 'LOG_QUERY_QUEUE_WAIT_MS must be an integer between 0 and 10000' })
  @Max(10000, { message: 'LOG_QUERY_QUEUE_WAIT_MS must be an integer between 0 and 10000' })
  LOG_QUERY_QUEUE_WAIT_MS = 1000;

  /**
   * `maxTimeMS` of every log query: MongoDB stops a query that runs longer, so one whose caller
   * gave up does not go on loading the primary. Keep it below config-api's `RPC_TIMEOUT_MS`
   * (and, for no query to outlive its caller, add `LOG_QUERY_QUEUE_WAIT_MS` to it first).
   */
  @EnvInt()
  @IsInt({ message: 'LOG_QUERY_MAX_TIME_MS must be an integer between 100 and 60000' })
  @Min(100, { message: 'LOG_QUERY_MAX_TIME_MS must be an integer between 100 and 60000' })
  @Max(60000, { message: 'LOG_QUERY_MAX_TIME_MS must be an integer between 100 and 60000' })
  LOG_QUERY_MAX_TIME_MS = 3000;
}
