import type { Provider } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { MetricsRegistry } from '@wirehook/metrics';
import { ConsumerBindings } from '@wirehook/contracts';
import { ConsumerLagMetrics, JETSTREAM_MANAGER } from '@wirehook/nats';

/** The backlog of endpoint-disabled events config-api has yet to record. */
export const configApiConsumerLagProvider: Provider = {
  provide: ConsumerLagMetrics,
  inject: [JETSTREAM_MANAGER, MetricsRegistry, LOGGER],
  useFactory: (jsm: JetStreamManager, registry: MetricsRegistry, logger: Logger) =>
    new ConsumerLagMetrics(
      jsm,
      [{ stream: ConsumerBindings.endpointDisabledApplier.stream, name: ConsumerBindings.endpointDisabledApplier.name }],
      registry,
      logger,
    ),
};
