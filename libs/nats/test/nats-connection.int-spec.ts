import { Socket } from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { startTestServers, type TestServers } from '@wirehook/testing';
import { connectNats } from '../src';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const collectInto = (received: string[]) => (_error: Error | null, message: Msg) => {
  received.push(message.string());
};

describe('connectNats (writes batched per event-loop turn) against a real nats-server', () => {
  let servers: TestServers;
  let observer: NatsConnection;

  beforeAll(async () => {
    servers = await startTestServers('nats-connection', { mongo: false });
    observer = await connect({ servers: servers.natsUrl, name: 'observer' });
  });

  afterAll(async () => {
    await observer?.close();
    await servers?.stop();
  });

  it('delivers every message, in order, whether sent in one turn or many', async () => {
    const nc = await connectNats({ servers: servers.natsUrl }, 'batching');
    const received: string[] = [];
    const subscription = observer.subscribe('order.>', { callback: collectInto(received) });
    await observer.flush();
    const expected: string[] = [];
    for (let turn = 0; turn < 200; turn += 1) {
      // Several frames in one turn are written together; each turn ends a write.
      for (let index = 0; index < 5; index += 1) {
        const text = `${turn}-${index}`;
        nc.publish(`order.${turn % 3}`, text);
        expected.push(text);
      }
      if (turn % 2 === 0) await nextTurn();
    }
    await nc.flush();
    await observer.flush();
    expect(received).toEqual(expected);
    subscription.unsubscribe();
    await nc.close();
  });

  it('writes what is sent across the microtasks of one turn with one socket write', async () => {
    const nc = await connectNats({ servers: servers.natsUrl }, 'one-write');
    await nc.flush();
    const write = jest.spyOn(Socket.prototype, 'write');
    try {
      for (let index = 0; index < 20; index += 1) {
        nc.publish('one.write', String(index));
        // The stock transport writes at the end of each burst of microtasks.
        await Promise.resolve();
      }
      await nextTurn();
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      write.mockRestore();
    }
    await nc.close();
  });

  it('answers requests and JetStream publishes', async () => {
    const nc = await connectNats({ servers: servers.natsUrl }, 'requests');
    const responder = observer.subscribe('echo', {
      callback: (_error, message) => {
        message.respond(`echo ${message.string()}`);
      },
    });
    await observer.flush();
    const replies = await Promise.all(Array.from({ length: 50 }, (_, index) => nc.request('echo', String(index), { timeout: 5_000 })));
    expect(replies.map((reply) => reply.string())).toEqual(Array.from({ length: 50 }, (_, index) => `echo ${index}`));

    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'BATCHING', subjects: ['batching.>'] });
    const acks = await Promise.all(Array.from({ length: 100 }, (_, index) => jetstream(nc).publish(`batching.${index}`, 'x')));
    expect(acks.map((ack) => ack.seq)).toEqual(Array.from({ length: 100 }, (_, index) => index + 1));
    responder.unsubscribe();
    await nc.close();
  });

  it('writes a publish made just before draining the connection', async () => {
    const nc = await connectNats({ servers: servers.natsUrl }, 'draining');
    const received: string[] = [];
    observer.subscribe('last.words', { callback: collectInto(received) });
    await observer.flush();
    nc.publish('last.words', 'goodbye');
    await nc.drain();
    await observer.flush();
    expect(received).toEqual(['goodbye']);
  });
});
