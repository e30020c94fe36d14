import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConsumerNames, DeliverySubjects, KvBucketNames, StreamNames } from '@wirehook/contracts';
import { NatsCluster, eventually } from '@wirehook/testing';
import { BUCKET_NAMES, STREAM_CONFIGS, connectNats, ensureBuckets, ensureDurableConsumer, ensureStreams, openBucket } from '../src';

const MESSAGES = 300;

/** The leader of a stream (or of one of its consumers) once it has one and `followers` replicas that caught up with it. */
async function leaderWithFollowers(jsm: JetStreamManager, stream: string, followers: number, consumer?: string): Promise<string | undefined> {
  const { cluster } = consumer ? await jsm.consumers.info(stream, consumer) : await jsm.streams.info(stream);
  const current = (cluster?.replicas ?? []).filter((replica) => replica.current && replica.name !== cluster?.leader);
  return cluster?.leader && current.length === followers ? cluster.leader : undefined;
}

describe('NATS_STREAM_REPLICAS on a 3-node cluster of real nats-servers', () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await NatsCluster.start(3);
    nc = await connectNats({ servers: cluster.url }, 'replicas-test');
  });

  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('moves an R1 deployment to R3 without losing a message, and the copies survive the leader', async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, 1);
    await ensureBuckets(nc, 1);
    await ensureDurableConsumer(jsm, {
      stream: StreamNames.deliveries,
      name: ConsumerNames.deliveries,
      filterSubject: DeliverySubjects.allTasks,
      ackWaitMs: 30_000,
      maxAckPending: 1000,
    });
    const js = jetstream(nc);
    for (let index = 0; index < MESSAGES; index++) await js.publish(`${DeliverySubjects.allTasks.replace('>', '')}acme.${index}`, `task ${index}`);
    await (await openBucket(nc, KvBucketNames.config)).put('tenants.acme', 'kept');
    for (const settings of STREAM_CONFIGS) expect((await jsm.streams.info(settings.name as string)).config.num_replicas).toBe(1);

    // What an app does when it starts with NATS_STREAM_REPLICAS=3.
    await ensureStreams(jsm, 3);
    await ensureBuckets(nc, 3);

    for (const stream of [...STREAM_CONFIGS.map((settings) => settings.name as string), ...BUCKET_NAMES.map((bucket) => `KV_${bucket}`)]) {
      expect((await jsm.streams.info(stream)).config.num_replicas).toBe(3);
      await eventually(() => leaderWithFollowers(jsm, stream, 2), { timeoutMs: 30_000, intervalMs: 200 });
    }
    // The stream's consumers follow it to three copies.
    await eventually(() => leaderWithFollowers(jsm, StreamNames.deliveries, 2, ConsumerNames.deliveries), { timeoutMs: 30_000, intervalMs: 200 });
    expect((await jsm.consumers.info(StreamNames.deliveries, ConsumerNames.deliveries)).num_pending).toBe(MESSAGES);
    // A node lost within a moment of the change can leave a consumer without a leader for a
    // while (nats-server 2.9), so the README says to wait for every copy before touching nodes.
    await new Promise((done) => setTimeout(done, 2_000));

    // The node leading the delivery stream dies and stays down: another copy takes over.
    const leader = await eventually(() => leaderWithFollowers(jsm, StreamNames.deliveries, 2));
    await cluster.stopNode(cluster.indexOf(leader), 'SIGKILL');
    const after = await eventually(
      async () => {
        const info = await jsm.streams.info(StreamNames.deliveries);
        return info.cluster?.leader && info.cluster.leader !== leader ? info : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(after.state.messages).toBe(MESSAGES);
    // The consumer elects its own new leader, a moment later.
    const consumerAfter = await eventually(() => jsm.consumers.info(StreamNames.deliveries, ConsumerNames.deliveries), { timeoutMs: 30_000, intervalMs: 250 });
    expect(consumerAfter.num_pending).toBe(MESSAGES);
    expect((await (await openBucket(nc, KvBucketNames.config)).get('tenants.acme'))?.string()).toBe('kept');
  });
});
