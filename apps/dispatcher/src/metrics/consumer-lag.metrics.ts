import type { Provider } from '@nestjs/common';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { MetricsRegistry } from '@wirehook/metrics';
import { ConsumerBindings } from '@wirehook/contracts';
import { ConsumerLagMetrics, JETSTREAM_MANAGER } from '@wirehook/nats';

/**
 * The backlog of the dispatcher's three consumers, and `wirehook_delivery_oldest_waiting_seconds`
 * of fan-out and fresh delivery tasks. Retries are left out of the age: they wait on purpose.
 */
export const dispatcherConsumerLagProvider: Provider = {
  provide: ConsumerLagMetrics,
  inject: [JETSTREAM_MANAGER, MetricsRegistry, LOGGER],
  useFactory: (jsm: JetStreamManager, registry: MetricsRegistry, logger: Logger) => {
    const lag = new ConsumerLagMetrics(
      jsm,
      [ConsumerBindings.fanOut, ConsumerBindings.deliveries, { stream: ConsumerBindings.retries.stream, name: ConsumerBindings.retries.name }],
      registry,
      logger,
    );
    lag.oldestWaitingGauge(
      'wirehook_delivery_oldest_waiting_seconds',
      'Age of the oldest message the consumer has not acknowledged yet (an event to fan out, a delivery task to attempt); 0 when none waits',
    );
    return lag;
  },
};
