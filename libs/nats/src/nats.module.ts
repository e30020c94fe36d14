import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsClientSettings } from './nats-client-settings';
import { connectNats } from './nats-connection';
import { whileJetStreamSettles } from './jetstream-setup';
import { ensureBuckets } from './kv';
import { NatsRpcClient } from './nats-rpc-client';
import { ensureStreams } from './streams';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
const DRAIN_TIMEOUT_MS = 3000;
export const JETSTREAM = Symbol('JETSTREAM');
export const JETSTREAM_MANAGER = Symbol('JETSTREAM_MANAGER');

/** Closes the connection in the last shutdown phase, after consumers stopped in `beforeApplicationShutdown`. */
class NatsConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    // Draining needs the server; while it is unreachable, give up after a moment and close.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
    });
    await Promise.race([this.nc.drain().catch(() => undefined), timedOut]);
    clearTimeout(timer);
    if (!this.nc.isClosed()) await this.nc.close();
  }
}

/** What the module needs of an app's config (`AppConfig` of libs/config, which builds on this lib). */
export interface NatsModuleConfig {
  NATS_STREAM_REPLICAS: number;
  natsClientSettings(): NatsClientSettings;
}

/**
 * One NATS connection per process, with JetStream handles and a Nest client proxy for the
 * other apps' request/reply handlers ({@link NatsRpcClient}). The platform's streams and KV
 * buckets are created (or updated) before anything else uses them.
 */
@Module({})
export class NatsModule {
  static forRoot(config: NatsModuleConfig, name: string): DynamicModule {
    return {
      module: NatsModule,
      global: true,
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: async () => {
            const nc = await connectNats(config.natsClientSettings(), name);
            await whileJetStreamSettles(async () => {
              await ensureStreams(await jetstreamManager(nc), config.NATS_STREAM_REPLICAS);
              await ensureBuckets(nc, config.NATS_STREAM_REPLICAS);
            });
            return nc;
          },
        },
        { provide: JETSTREAM, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection): JetStreamClient => jetstream(nc) },
        {
          provide: JETSTREAM_MANAGER,
          inject: [NATS_CONNECTION],
          useFactory: (nc: NatsConnection): Promise<JetStreamManager> => jetstreamManager(nc),
        },
        { provide: NatsRpcClient, inject: [NATS_CONNECTION], useFactory: (nc: NatsConnection) => new NatsRpcClient(nc) },
        NatsConnectionCloser,
      ],
      exports: [NATS_CONNECTION, JETSTREAM, JETSTREAM_MANAGER, NatsRpcClient],
    };
  }
}
