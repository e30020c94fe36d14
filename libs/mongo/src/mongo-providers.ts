import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { IndexCheck } from './index-check';
import type { IndexedCollection } from './index-migration';
import { MONGO_CONNECTION, connectMongo } from './mongo-connection';

/** The MongoDB settings every app that stores something has (`withMongo` of @wirehook/config). */
export interface MongoSettings {
  MONGODB_URI: string;
  MONGODB_WRITE_CONCERN: string;
  MONGODB_WRITE_TIMEOUT_MS: number;
}

/**
 * Closes the app's connection when the app shuts down. Declare it in the app's root module, not
 * in a global one: Nest shuts global modules down first, and the NATS connection (global) must
 * drain while MongoDB can still take what its last messages write.
 */
@Injectable()
export class MongoConnectionCloser implements OnApplicationShutdown {
  constructor(@Inject(MONGO_CONNECTION) private readonly connection: Connection) {}

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * `MONGO_CONNECTION`, opened with the app's settings, and the indexes of `collections` checked
 * against it: they are made by `npm run migrate`, and until they exist `/health/ready` names the
 * missing ones. The app closes the connection with {@link MongoConnectionCloser}.
 */
export function mongoProviders(settings: MongoSettings, collections: readonly IndexedCollection[], logger: Logger): Provider[] {
  return [
    {
      provide: MONGO_CONNECTION,
      useFactory: () => connectMongo(settings.MONGODB_URI, settings.MONGODB_WRITE_CONCERN, { writeTimeoutMs: settings.MONGODB_WRITE_TIMEOUT_MS }),
    },
    { provide: IndexCheck, inject: [MONGO_CONNECTION], useFactory: (connection: Connection) => new IndexCheck(connection, collections, logger) },
  ];
}
