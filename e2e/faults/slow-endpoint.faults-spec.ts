import { auditDeliveries, expectNoLoss, publishLoad } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'endpoint slower than the ack wait';
const ACK_WAIT_MS = 10_000;
const SLOW_ANSWER_MS = 14_000;
const EVENTS = 40;

describe('an endpoint that answers only after the consumer ack wait', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('slow-endpoint', { extraEnv: { dispatcher: { DELIVERY_ACK_WAIT_MS: String(ACK_WAIT_MS) } } });
    system.receiver.respondWith((request) => ({ status: 200, body: '{"ok":true}', delayMs: request.path === '/slow' ? SLOW_ANSWER_MS : 0 }));
    await system.createWebhooks(['/fast']);
    await system.createWebhooks(['/slow'], { timeout_ms: 20_000, max_concurrency: 100 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('is attempted once per delivery (no redelivery while it works) and holds nobody else up', async () => {
    const startedAt = Date.now();
    const load = await publishLoad(system, 'slow', EVENTS, 20);
    const publishedAt = Date.now();
    const result = await auditDeliveries(system, { scenario: SCENARIO, paths: ['/fast', '/slow'], load, deliveryTimeoutMs: 60_000, logTimeoutMs: 120_000 });
    const fastDone = Math.max(...system.receiver.requestsTo('/fast').map((request) => request.receivedAt));
    report(
      SCENARIO,
      `fast endpoint had every event ${fastDone - publishedAt} ms after the last publish; slow answers take ${SLOW_ANSWER_MS} ms against an ack wait of ${ACK_WAIT_MS} ms`,
    );
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectNoLoss(result);
    expect(result.duplicates).toBe(0);
    expect(fastDone - publishedAt).toBeLessThan(SLOW_ANSWER_MS / 2);
  });
});
