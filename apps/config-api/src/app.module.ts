import { Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { HealthController, readinessChecks } from '@wirehook/health';
import { IndexCheck, MONGO_CONNECTION, MongoConnectionCloser, indexHealthIndicator, mongoHealthIndicator } from '@wirehook/mongo';
import { NATS_CONNECTION, natsHealthIndicator } from '@wirehook/nats';
import { AuthModule } from './auth/auth.module';
import { ConfigApiConfig } from './config/config-api.config';
import { CoreModule } from './core/core.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { EventsModule } from './events/events.module';
import { LogsModule } from './logs/logs.module';
import { ReceiverModule } from './receiver/receiver.module';
import { ReplaysModule } from './replays/replays.module';
import { RetentionModule } from './retention/retention.module';
import { SecretsModule } from './secrets/secrets.module';
import { TenantsModule } from './tenants/tenants.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** config-api: the shared core, the health routes, and one module per feature. */
@Module({})
export class ConfigApiModule {
  /** `dashboardDir`: where the built dashboard is (`dist/dashboard` by default; tests bring their own). */
  static forRoot(config: ConfigApiConfig, logger: Logger, { dashboardDir }: { dashboardDir?: string } = {}): DynamicModule {
    return {
      module: ConfigApiModule,
      imports: [
        CoreModule.forRoot(config, logger),
        // In the order of their routes in the OpenAPI document (docs/openapi.json).
        RetentionModule,
        TenantsModule,
        WebhooksModule,
        LogsModule,
        EventsModule,
        ReceiverModule,
        DeliveriesModule,
        ReplaysModule,
        AuthModule,
        SecretsModule,
        DashboardModule.forRoot(dashboardDir),
      ],
      controllers: [HealthController],
      providers: [
        MongoConnectionCloser,
        // Ready: NATS connected, MongoDB answering, the indexes in place.
        readinessChecks([NATS_CONNECTION, MONGO_CONNECTION, IndexCheck], (nc: NatsConnection, mongo: Connection, indexes: IndexCheck) => [
          () => natsHealthIndicator(nc),
          () => mongoHealthIndicator(mongo),
          () => indexHealthIndicator(indexes),
        ]),
      ],
    };
  }
}
