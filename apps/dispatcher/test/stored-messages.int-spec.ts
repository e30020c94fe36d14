import { jetstreamManager } from '@nats-io/jetstream';
import { StreamNames } from '@wirehook/contracts';
import { eventually, type HttpsReceiver } from '@wirehook/testing';
import { startDispatcherTestbed, type DispatcherHarness, type DispatcherTestbed } from './support/dispatcher-harness';

/** Fewer than the dispatcher's global cap (DELIVERY_CONCURRENCY, 256): all of them can be in flight at once. */
const EVENTS = 200;

/**
 * What each delivery costs in stored JetStream messages, counted on the streams: a delivery whose
 * endpoint has room is attempted straight from fan-out (no task), and attempt records and created
 * deliveries share messages under load.
 */
describe('JetStream messages stored per delivery', () => {
  let testbed: DispatcherTestbed;
  let receiver: HttpsReceiver;
  let dispatcher: DispatcherHarness;

  beforeAll(async () => {
    testbed = await startDispatcherTestbed('dispatcher-stored-messages');
    ({ receiver, dispatcher } = testbed);
    receiver.respondWith((request) => ({ status: 200, body: 'ok', delayMs: request.path.includes('slow') ? 50 : 0 }));
  });

  afterAll(() => testbed?.stop());

  async function tasksStored(): Promise<number> {
    return (await (await jetstreamManager(dispatcher.nc)).streams.info(StreamNames.deliveries)).state.last_seq;
  }

  async function publishBurst(eventType: string): Promise<void> {
    await Promise.all(Array.from({ length: EVENTS }, (_, n) => dispatcher.publisher.publish('acme', { event: eventType, data: { n } })));
  }

  it('stores no task for an endpoint with room, and fewer attempt-log messages than deliveries', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/roomy'), events: ['roomy.*'], maxConcurrency: EVENTS });
    const tasksBefore = await tasksStored();
    const messagesBefore = dispatcher.attemptStreamMessages;
    await publishBurst('roomy.sent');
    await eventually(() => dispatcher.attemptsOf(endpoint.id).length === EVENTS, { timeoutMs: 30_000 });
    expect(new Set(receiver.requestsTo('/roomy').map((request) => request.headers['webhook-id'])).size).toBe(EVENTS);
    expect(dispatcher.attemptsOf(endpoint.id).every((attempt) => attempt.status === 'success' && attempt.attempt === 1)).toBe(true);
    expect(await tasksStored()).toBe(tasksBefore);
    // Unbatched, each delivery would be two messages: its created entry and its attempt record.
    // Batched under this burst, fewer than one.
    const messages = dispatcher.attemptStreamMessages - messagesBefore;
    console.log(`${EVENTS} deliveries with room: 0 tasks, ${messages} attempt-log messages`);
    expect(messages).toBeLessThan(EVENTS);
  });

  it('stores as tasks the deliveries a busy endpoint has no room for, and delivers them all', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/slow'), events: ['busy.*'], maxConcurrency: 2 });
    const tasksBefore = await tasksStored();
    await publishBurst('busy.sent');
    await eventually(() => dispatcher.attemptsOf(endpoint.id).length === EVENTS, { timeoutMs: 60_000 });
    expect(new Set(receiver.requestsTo('/slow').map((request) => request.headers['webhook-id'])).size).toBe(EVENTS);
    expect(receiver.maxConcurrentTo('/slow')).toBeLessThanOrEqual(2);
    const tasks = (await tasksStored()) - tasksBefore;
    console.log(`${EVENTS} deliveries to an endpoint with room for 2: ${tasks} tasks`);
    expect(tasks).toBeGreaterThan(0);
    expect(tasks).toBeLessThanOrEqual(EVENTS);
  });
});
