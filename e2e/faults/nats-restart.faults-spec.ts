import { auditDeliveries, expectNoLoss, publishLoad, type Disruption } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'NATS restart';
const EVENTS = 600;
const RATE = 30;
const PATHS = ['/nats/a', '/nats/b'];
const DOWN_MS = 3_000;

// A NATS server given by NATS_URL is not ours to restart.
const itWithPrivateNats = FaultSystem.ownsNats ? it : it.skip;

describe('NATS restarted while events flow', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('nats-restart', { extraEnv: { dispatcher: { DELIVERY_ACK_WAIT_MS: '15000' } } });
    await system.createWebhooks(PATHS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  itWithPrivateNats('delivers every acknowledged event once the apps have reconnected', async () => {
    const startedAt = Date.now();
    const loading = publishLoad(system, 'nats', EVENTS, RATE);
    await new Promise((done) => setTimeout(done, 7_000));
    const stoppedAt = Date.now();
    await system.stopNats();
    await new Promise((done) => setTimeout(done, DOWN_MS));
    await system.startNats();
    const restartedAt = Date.now();
    const load = await loading;
    // Acks sent just before the stop may not have reached the server: that work comes again.
    const disruption: Disruption = { what: `NATS stopped for ${restartedAt - stoppedAt} ms`, from: stoppedAt - 1_000, to: restartedAt + 5_000 };
    const result = await auditDeliveries(system, {
      scenario: SCENARIO,
      paths: PATHS,
      load,
      disruptions: [disruption],
      deliveryTimeoutMs: 90_000,
      logTimeoutMs: 180_000,
    });
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectNoLoss(result);
    expect(result.mongo.deliveries).toBe(result.expected);
  });
});
