import { auditDeliveries, expectAllLoggedAsSuccess, publishLoad } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'two dispatchers and two log-services, one of each kill -9';
/** 2,000 deliveries over about 20 s. */
const EVENTS = 1_000;
const RATE = EVENTS / 20;
const PATHS = ['/replicas/a', '/replicas/b'];
const ACK_WAIT_MS = 15_000;

describe('two replicas of the dispatcher and of log-service, one of each killed with SIGKILL', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('replicas-crash', {
      natsCluster: true,
      replicas: { dispatcher: 2, 'log-service': 2 },
      extraEnv: { dispatcher: { DELIVERY_ACK_WAIT_MS: String(ACK_WAIT_MS) } },
    });
    await system.createWebhooks(PATHS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('loses no event: the survivors take over the work the killed ones held', async () => {
    const startedAt = Date.now();
    const loading = publishLoad(system, 'replicas', EVENTS, RATE);
    await new Promise((done) => setTimeout(done, 6_000));
    const killedAt = Date.now();
    await Promise.all([system.stopApp('dispatcher-2', 'SIGKILL'), system.stopApp('log-service-2', 'SIGKILL')]);
    report(SCENARIO, `killed dispatcher-2 and log-service-2 at ${Math.round((killedAt - startedAt) / 1000)} s; they stay down`);
    const load = await loading;
    const result = await auditDeliveries(system, {
      scenario: SCENARIO,
      paths: PATHS,
      load,
      // The killed dispatcher's work in flight comes back to the survivor after the ack wait.
      disruptions: [{ what: 'dispatcher-2 and log-service-2 killed', from: killedAt, to: killedAt + 1_000 }],
      deliveryTimeoutMs: ACK_WAIT_MS * 6,
      logTimeoutMs: 240_000,
    });
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectAllLoggedAsSuccess(result);
  });
});
