import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { TerminusModule } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { HealthController, mongoHealthIndicator, readinessChecks } from '@wirehook/health';
import { IndexCheck, MONGO_CONNECTION, indexHealthIndicator, mongoProviders } from '@wirehook/mongo';
import { LOGGER } from '@wirehook/logging';
import { MetricsModule } from '@wirehook/metrics';
import { SecretBox } from '@wirehook/secret-box';
import { NATS_CONNECTION, NatsModule, natsHealthIndicator, nestNatsOptions } from '@wirehook/nats';
import { TracingModule } from '@wirehook/tracing';
import { ApiKeyRepository } from './api-keys/api-key.repository';
import { ApiKeyGuard } from './auth/api-key.guard';
import { MeController } from './auth/me.controller';
import { CONFIG_API_COLLECTIONS } from './collections';
import { ConfigApiConfig } from './config/config-api.config';
import { DashboardController, DashboardFiles } from './dashboard/dashboard.controller';
import { DeliveryCommandsController } from './deliveries/delivery-commands.controller';
import { DeliveryCommandsService } from './deliveries/delivery-commands.service';
import { DISPATCHER_CLIENT, DispatcherClient } from './deliveries/dispatcher.client';
import { EventIngestService } from './events/event-ingest.service';
import { EventsController } from './events/events.controller';
import { WebhookReceiverController } from './receiver/webhook-receiver.controller';
import { LOG_SERVICE_CLIENT, LogServiceClient } from './logs/log-service.client';
import { LogsController } from './logs/logs.controller';
import { configApiConsumerLagProvider } from './metrics/consumer-lag.metrics';
import { ConfigReplicator } from './replication/config-replicator.service';
import { ReplayRepository } from './replays/replay.repository';
import { ReplayRunner } from './replays/replay-runner.service';
import { ReplayService } from './replays/replay.service';
import { ReplaysController } from './replays/replays.controller';
import { RETENTION_CLIENT, RetentionClient } from './retention/retention.client';
import { RetentionController } from './retention/retention.controller';
import { EncryptionKeyCheck } from './secrets/encryption-key-check.service';
import { PlatformSettingsRepository } from './secrets/platform-settings.repository';
import { TenantRepository } from './tenants/tenant.repository';
import { TenantService } from './tenants/tenant.service';
import { TenantsController } from './tenants/tenants.controller';
import { EndpointRepository } from './webhooks/endpoint.repository';
import { EndpointUrlValidator } from './webhooks/endpoint-url.validator';
import { EndpointDisabledHandler } from './webhooks/endpoint-disabled.handler';
import { WebhookService } from './webhooks/webhook.service';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class ConfigApiModule {
  /** `dashboardDir`: where the built dashboard is (`dist/dashboard` by default; tests bring their own). */
  static forRoot(config: ConfigApiConfig, logger: Logger, { dashboardDir }: { dashboardDir?: string } = {}): DynamicModule {
    return {
      module: ConfigApiModule,
      imports: [
        NatsModule.forRoot(config, 'config-api'),
        TerminusModule,
        MetricsModule.forRoot('config-api', { token: config.METRICS_TOKEN, port: config.METRICS_PORT, logger }),
        TracingModule.forRoot({ otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME ?? 'config-api' }, logger),
        ClientsModule.register([
          { name: LOG_SERVICE_CLIENT, transport: Transport.NATS, options: nestNatsOptions(config.natsClientSettings(), 'config-api-rpc') },
          { name: DISPATCHER_CLIENT, transport: Transport.NATS, options: nestNatsOptions(config.natsClientSettings(), 'config-api-dispatcher-rpc') },
          { name: RETENTION_CLIENT, transport: Transport.NATS, options: nestNatsOptions(config.natsClientSettings(), 'config-api-retention-rpc') },
        ]),
      ],
      controllers: [HealthController, RetentionController, TenantsController, WebhooksController, LogsController, EventsController, WebhookReceiverController, DeliveryCommandsController, ReplaysController, MeController, DashboardController],
      providers: [
        { provide: ConfigApiConfig, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: DashboardFiles, useValue: new DashboardFiles(dashboardDir) },
        { provide: SecretBox, useValue: SecretBox.fromConfig(config) },
        ...mongoProviders(config, CONFIG_API_COLLECTIONS, logger),
        // Ready: NATS connected, MongoDB answering, the indexes in place.
        readinessChecks([NATS_CONNECTION, MONGO_CONNECTION, IndexCheck], (nc: NatsConnection, mongo: Connection, indexes: IndexCheck) => [
          () => natsHealthIndicator(nc),
          () => mongoHealthIndicator(mongo),
          () => indexHealthIndicator(indexes),
        ]),
        {
          provide: TenantRepository,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new TenantRepository(connection),
        },
        {
          provide: ApiKeyRepository,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new ApiKeyRepository(connection),
        },
        {
          provide: EndpointRepository,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new EndpointRepository(connection),
        },
        {
          provide: ReplayRepository,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new ReplayRepository(connection),
        },
        ReplayRunner,
        ReplayService,
        {
          provide: PlatformSettingsRepository,
          inject: [MONGO_CONNECTION],
          useFactory: (connection: Connection) => new PlatformSettingsRepository(connection),
        },
        EncryptionKeyCheck,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        ConfigReplicator,
        TenantService,
        EndpointUrlValidator,
        WebhookService,
        EndpointDisabledHandler,
        LogServiceClient,
        RetentionClient,
        EventIngestService,
        DispatcherClient,
        DeliveryCommandsService,
        configApiConsumerLagProvider,
      ],
    };
  }
}
