import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { Logger } from 'pino';
import { RECONNECT_FOR_EVER, nestNatsOptions } from '@wirehook/nats';
import { createLogger, JsonLogger } from '@wirehook/logging';
import { ConfigError, loadConfig, type AppConfig } from '@wirehook/config';

export interface RunAppOptions<C extends AppConfig> {
  name: string;
  configType: new () => C;
  /** Builds the root module from the validated config and the logger. */
  module: (config: C, logger: Logger) => DynamicModule;
  /**
   * Queue group of the app's NATS request/reply handlers (`@MessagePattern`), when it has
   * any; replicas in the group share the requests.
   */
  rpcQueue?: string;
  /** Adds pipes, filters... before the app listens. */
  configure?: (app: INestApplication, config: C, logger: Logger) => Promise<void> | void;
}

/**
 * Boots one of the platform's apps: validated config (a bad variable stops the boot with a
 * message naming it), JSON logs, graceful shutdown on SIGTERM/SIGINT bounded by
 * SHUTDOWN_TIMEOUT_MS, and the HTTP server on PORT.
 */
export async function runApp<C extends AppConfig>(options: RunAppOptions<C>): Promise<INestApplication> {
  let config: C;
  try {
    config = loadConfig(options.configType);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${options.name}: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(options.name, config.LOG_LEVEL);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown took too long; exiting');
        process.exit(1);
      }, config.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  try {
    const app = await NestFactory.create(options.module(config, logger), { logger: new JsonLogger(logger) });
    app.enableShutdownHooks();
    await options.configure?.(app, config, logger);
    if (options.rpcQueue) await startRpcHandlers(app, config, options.name, options.rpcQueue);
    await app.listen(config.PORT, '0.0.0.0');
    logger.info({ port: config.PORT }, `${options.name} started`);
    return app;
  } catch (error) {
    logger.fatal({ err: error }, `${options.name} failed to start`);
    process.exit(1);
  }
}

/**
 * Starts answering the app's NATS request/reply handlers (`@MessagePattern`) in queue group
 * `queue`, on a connection named `<name>-rpc`; `runApp` does it for an app with an `rpcQueue`.
 */
export async function startRpcHandlers(app: INestApplication, config: AppConfig, name: string, queue: string): Promise<void> {
  app.connectMicroservice<MicroserviceOptions>({
    transport: Transport.NATS,
    // Nest's transport connects through the `nats` v2 package, whose default gives up reconnecting.
    options: { ...nestNatsOptions(config.natsClientSettings(), `${name}-rpc`), ...RECONNECT_FOR_EVER, queue },
  });
  await app.startAllMicroservices();
}
