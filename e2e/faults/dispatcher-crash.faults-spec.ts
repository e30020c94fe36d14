import { auditDeliveries, expectNoLoss, publishLoad, type Disruption } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'dispatcher kill -9 x3';
/**
 * Two endpoints over about 20 s: 1,000 events (2,000 deliveries) on the MongoDB-wire server,
 * whose writes slow down with collection size; 5,000 (10,000 deliveries) with a real MongoDB.
 */
const EVENTS = FaultSystem.ownsMongo ? 1_000 : 5_000;
const RATE = EVENTS / 20;
const PATHS = ['/crash/a', '/crash/b'];
/** Short, so the work a killed dispatcher held comes back within the test's time. */
const ACK_WAIT_MS = 15_000;

describe('the dispatcher killed with SIGKILL three times under load', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('dispatcher-crash', { extraEnv: { dispatcher: { DELIVERY_ACK_WAIT_MS: String(ACK_WAIT_MS) } } });
    await system.createWebhooks(PATHS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('loses no event and repeats only the deliveries that were in flight', async () => {
    const startedAt = Date.now();
    const loading = publishLoad(system, 'crash', EVENTS, RATE);
    const disruptions: Disruption[] = [];
    for (const atMs of [4_000, 9_000, 14_000]) {
      await new Promise((done) => setTimeout(done, startedAt + atMs - Date.now()));
      const killedAt = Date.now();
      await system.restartApp('dispatcher', 'SIGKILL');
      // Work the killed process held comes back once its ack wait has passed.
      disruptions.push({ what: `kill -9 at ${atMs / 1000} s, back after ${Date.now() - killedAt} ms`, from: killedAt, to: killedAt + 1_000 });
    }
    const load = await loading;
    const result = await auditDeliveries(system, {
      scenario: SCENARIO,
      paths: PATHS,
      load,
      disruptions,
      deliveryTimeoutMs: ACK_WAIT_MS * 4,
      logTimeoutMs: 240_000,
    });
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectNoLoss(result);
    expect(result.mongo.deliveries).toBe(result.expected);
  });
});
