import { auditDeliveries, expectNoLoss, publishLoad } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'MongoDB-wire server down 20 s';
const EVENTS = 600;
const RATE = 20;
const PATHS = ['/mongo/a'];
const DOWN_MS = 20_000;

// A MongoDB given by MONGODB_URI is not ours to stop.
const itWithPrivateMongo = FaultSystem.ownsMongo ? it : it.skip;

describe('the MongoDB-wire server stopped for 20 s while events flow', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('mongo-outage');
    await system.createWebhooks(PATHS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  itWithPrivateMongo('keeps delivering, and writes every attempt record of the outage once MongoDB is back', async () => {
    const startedAt = Date.now();
    const loading = publishLoad(system, 'mongo', EVENTS, RATE);
    await new Promise((done) => setTimeout(done, 5_000));
    const stoppedAt = Date.now();
    await system.stopMongo();
    await new Promise((done) => setTimeout(done, DOWN_MS));
    await system.startMongo();
    report(
      SCENARIO,
      `MongoDB-wire server down for ${Date.now() - stoppedAt} ms; it restarts empty, so records written before ${new Date(stoppedAt).toISOString()} are gone with it`,
    );
    const load = await loading;
    // Delivery does not depend on MongoDB: no repeats at all. The in-memory server restarts
    // empty, so what must be in it are the deliveries made from the moment it stopped.
    const result = await auditDeliveries(system, {
      scenario: SCENARIO,
      paths: PATHS,
      load,
      mongoRequiredFrom: stoppedAt,
      deliveryTimeoutMs: 60_000,
      logTimeoutMs: 180_000,
    });
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectNoLoss(result);
    expect(result.duplicates).toBe(0);
    expect(result.mongo.required).toBeGreaterThan(EVENTS / 2);
  });
});
