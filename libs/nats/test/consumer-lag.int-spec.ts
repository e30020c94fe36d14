import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { ConsumerNames, DeliverySubjects, StreamNames, deliveryTaskSubject, retryTaskSubject } from '@wirehook/contracts';
import { capturingLogger, startTestServers, type TestServers } from '@wirehook/testing';
import { ConsumerLagMetrics, connectNats, ensureDurableConsumer, ensureStreams } from '../src';

/** The value of a sample of the registry's text exposition, or undefined without one. */
async function sample(registry: Registry, name: string, consumer: string): Promise<number | undefined> {
  const line = (await registry.metrics()).split('\n').find((candidate) => candidate.startsWith(`${name}{`) && candidate.includes(`consumer="${consumer}"`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('ConsumerLagMetrics against a real JetStream', () => {
  let servers: TestServers;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    servers = await startTestServers('consumer-lag', { mongo: false });
    nc = await connectNats({ servers: servers.natsUrl }, 'consumer-lag-test');
    jsm = await jetstreamManager(nc);
    await ensureStreams(jsm, 1);
    for (const [name, filterSubject] of [
      [ConsumerNames.deliveries, DeliverySubjects.allTasks],
      [ConsumerNames.retries, DeliverySubjects.allRetries],
    ]) {
      await ensureDurableConsumer(jsm, { stream: StreamNames.deliveries, name, filterSubject, ackWaitMs: 30_000, maxAckPending: 100 });
    }
  });

  afterAll(async () => {
    await nc?.close();
    await servers?.stop();
  });

  it('reports pending, ack-pending and the age of the oldest waiting task of its own subjects, from one message read', async () => {
    const js = jetstream(nc);
    // A retry first: on the same stream, older, but not the delivery consumer's to count.
    await js.publish(retryTaskSubject('acme', 'ep_1'), 'retry');
    const published = Date.now();
    for (let n = 0; n < 3; n += 1) await js.publish(deliveryTaskSubject('acme', 'ep_1'), `task ${n}`);
    let clock = published + 90_000;
    const registry = new Registry();
    const { logger } = capturingLogger('consumer-lag-test');
    const lag = new ConsumerLagMetrics(
      jsm,
      [
        { stream: StreamNames.deliveries, name: ConsumerNames.deliveries, filterSubject: DeliverySubjects.allTasks },
        { stream: StreamNames.deliveries, name: ConsumerNames.retries },
      ],
      registry,
      logger,
      { cacheMs: 1_000, now: () => clock },
    );
    lag.oldestWaitingGauge('test_oldest_waiting_seconds', 'oldest waiting');

    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', ConsumerNames.deliveries)).toBe(3);
    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', ConsumerNames.retries)).toBe(1);
    const age = await sample(registry, 'test_oldest_waiting_seconds', ConsumerNames.deliveries);
    expect(age).toBeGreaterThanOrEqual(85);
    expect(age).toBeLessThanOrEqual(95);
    // No filter subject, no age.
    expect(await sample(registry, 'test_oldest_waiting_seconds', ConsumerNames.retries)).toBeUndefined();

    // Two handed out, one acknowledged: the oldest waiting is now the second, still unacked.
    const consumer = await js.consumers.get(StreamNames.deliveries, ConsumerNames.deliveries);
    const first = await consumer.next();
    const second = await consumer.next();
    await first?.ackAck();
    expect(second).not.toBeNull();
    // Within the cache time, a scrape reads nothing new.
    expect(await sample(registry, 'wirehook_jetstream_consumer_ack_pending_messages', ConsumerNames.deliveries)).toBe(0);
    clock += 1_000;
    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', ConsumerNames.deliveries)).toBe(1);
    expect(await sample(registry, 'wirehook_jetstream_consumer_ack_pending_messages', ConsumerNames.deliveries)).toBe(1);

    // All done: nothing waits.
    await second?.ackAck();
    const third = await consumer.next();
    await third?.ackAck();
    clock += 1_000;
    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', ConsumerNames.deliveries)).toBe(0);
    expect(await sample(registry, 'test_oldest_waiting_seconds', ConsumerNames.deliveries)).toBe(0);
  });

  it('keeps the last values and logs when a look-up fails, without failing the scrape', async () => {
    const registry = new Registry();
    const { logger, lines } = capturingLogger('consumer-lag-test');
    let clock = 0;
    new ConsumerLagMetrics(
      jsm,
      [
        { stream: StreamNames.deliveries, name: ConsumerNames.retries },
        { stream: StreamNames.deliveries, name: 'no-such-consumer' },
      ],
      registry,
      logger,
      {
        cacheMs: 1_000,
        now: () => clock,
      },
    );
    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', ConsumerNames.retries)).toBe(1);
    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', 'no-such-consumer')).toBeUndefined();
    expect(lines.some((line) => line.consumer === 'no-such-consumer')).toBe(true);

    await jsm.consumers.delete(StreamNames.deliveries, ConsumerNames.retries);
    clock += 1_000;
    expect(await sample(registry, 'wirehook_jetstream_consumer_pending_messages', ConsumerNames.retries)).toBe(1);
    expect(lines.filter((line) => line.consumer === ConsumerNames.retries)).toHaveLength(1);
  });
});
