import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { StreamNames } from '@wirehook/contracts';
import { loadConfig } from '@wirehook/config';
import { BUCKET_NAMES, connectNats } from '@wirehook/nats';
import { MongoClient } from 'mongodb';
import { ServerEnvironment, natsServerBinary, startMongoWireServer, startNatsServer, type LocalServer } from '@wirehook/local-run';

/** Replaces the database name of a MongoDB URI, keeping hosts and options. */
export function withDatabase(uri: string, database: string): string {
  const [base, query] = uri.split('?');
  const schemeEnd = base.indexOf('://') + 3;
  const slash = base.indexOf('/', schemeEnd);
  const hosts = slash === -1 ? base : base.slice(0, slash);
  return `${hosts}/${database}${query ? `?${query}` : ''}`;
}

export interface TestServers {
  natsUrl: string;
  /** A database of this test file's own (empty when the test asked for no MongoDB). */
  mongoUri: string;
  /** The private MongoDB-wire server, when one was started (absent with `MONGODB_URI`). */
  mongoServer?: LocalServer;
  /** The private NATS server, when one was started (absent with `NATS_URL`). */
  natsServer?: LocalServer;
  stop(): Promise<void>;
}

/** Removes the platform's streams and buckets from a shared NATS server before a test file. */
export async function resetSharedNats(natsUrl: string): Promise<void> {
  const nc = await connectNats({ servers: natsUrl }, 'test-reset');
  const jsm = await jetstreamManager(nc);
  const buckets = BUCKET_NAMES.map((bucket) => `KV_${bucket}`);
  for (const stream of [...Object.values(StreamNames), ...buckets]) {
    await jsm.streams.delete(stream).catch(() => undefined);
  }
  await nc.close();
}

/**
 * Gives a test file a NATS server with JetStream and a MongoDB database of its own: private
 * servers on free ports, or `NATS_URL` / `MONGODB_URI` when set (then streams are reset and a
 * fresh database name is used).
 */
export async function startTestServers(name: string, options: { mongo?: boolean } = {}): Promise<TestServers> {
  const env = loadConfig(ServerEnvironment);
  const database = `wh_${name.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(3).toString('hex')}`;
  let natsServer: LocalServer | undefined;
  let storeDir: string | undefined;
  let natsUrl = env.NATS_URL;
  if (natsUrl) {
    await resetSharedNats(natsUrl);
  } else {
    const binary = natsServerBinary(env.PATH);
    storeDir = mkdtempSync(join(tmpdir(), 'wirehook-nats-'));
    natsServer = await startNatsServer({ binary, storeDir });
    natsUrl = natsServer.url;
  }
  const mongoServer = env.MONGODB_URI || options.mongo === false ? undefined : await startMongoWireServer({ database });
  const mongoUri = env.MONGODB_URI ? withDatabase(env.MONGODB_URI, database) : (mongoServer?.url ?? '');
  return {
    natsUrl,
    mongoUri,
    mongoServer,
    natsServer,
    async stop() {
      if (env.MONGODB_URI && options.mongo !== false) {
        const client = await MongoClient.connect(mongoUri);
        await client.db().dropDatabase();
        await client.close();
      }
      await Promise.all([natsServer?.stop(), mongoServer?.stop()]);
      if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
