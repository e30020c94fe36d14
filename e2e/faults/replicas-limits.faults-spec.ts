import { eventually } from '@wirehook/testing';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'two dispatchers, per-endpoint limits';
const MAX_CONCURRENCY = 4;
const RATE_LIMIT = 20;
const CONCURRENCY_EVENTS = 200;
const RATE_EVENTS = 240;
/** How long the receiver takes to answer the capped endpoint. */
const ANSWER_MS = 100;
/** The first second may use the full token buckets both replicas start with. */
const RATE_WARM_UP_MS = 1_500;

describe('two dispatcher replicas keep an endpoint within its max_concurrency and rate_limit', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('replicas-limits', { natsCluster: true, replicas: { dispatcher: 2 } });
    system.receiver.respondWith((request) => ({ status: 200, body: 'ok', delayMs: request.path === '/capped' ? ANSWER_MS : 0 }));
    await system.createWebhooks(['/capped'], { events: ['capped.*', 'probe.*'], max_concurrency: MAX_CONCURRENCY });
    await system.createWebhooks(['/rated'], { events: ['rated.*', 'probe.*'], rate_limit: RATE_LIMIT });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const publish = async (event: string, count: number) => {
    for (let index = 0; index < count; index++) await system.publisher.publish(system.tenantId, { id: `${event}-${index}`, event, data: { index } });
  };

  it('counts two live replicas in each dispatcher', async () => {
    for (const instance of ['dispatcher', 'dispatcher-2']) {
      const metrics = await (await fetch(`http://127.0.0.1:${system.ports.get(instance)}/metrics`)).text();
      expect(metrics).toMatch(/^wirehook_dispatcher_replicas({[^}]*})? 2$/m);
    }
  });

  it(`never sends the capped endpoint more than ${MAX_CONCURRENCY} requests at once`, async () => {
    system.receiver.reset();
    await publish('capped.created', CONCURRENCY_EVENTS);
    await eventually(() => system.receiver.requestsTo('/capped').length >= CONCURRENCY_EVENTS, { timeoutMs: 60_000, intervalMs: 200 });
    const maxConcurrent = system.receiver.maxConcurrentTo('/capped');
    report(SCENARIO, `${CONCURRENCY_EVENTS} deliveries answered in ${ANSWER_MS} ms each: at most ${maxConcurrent} at once (cap ${MAX_CONCURRENCY})`);
    expect(maxConcurrent).toBeLessThanOrEqual(MAX_CONCURRENCY);
    // Both replicas used their share: one alone holds only half the cap.
    expect(maxConcurrent).toBe(MAX_CONCURRENCY);
  });

  it(`keeps the rated endpoint within 10 % of ${RATE_LIMIT} requests per second`, async () => {
    await publish('rated.created', RATE_EVENTS);
    const requests = await eventually(() => (system.receiver.requestsTo('/rated').length >= RATE_EVENTS ? system.receiver.requestsTo('/rated') : undefined), {
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    const times = requests.map((request) => request.receivedAt).sort((a, b) => a - b);
    const steady = times.filter((at) => at >= times[0] + RATE_WARM_UP_MS);
    const observed = ((steady.length - 1) * 1000) / (steady[steady.length - 1] - steady[0]);
    report(SCENARIO, `${RATE_EVENTS} deliveries at ${observed.toFixed(1)} per second after the first ${RATE_WARM_UP_MS} ms (limit ${RATE_LIMIT})`);
    expect(observed).toBeLessThanOrEqual(RATE_LIMIT * 1.1);
    expect(observed).toBeGreaterThanOrEqual(RATE_LIMIT * 0.9);
  });
});
