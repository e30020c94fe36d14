import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { StreamNames } from '@wirehook/contracts';
import { eventually } from '@wirehook/testing';
import { auditDeliveries, expectAllLoggedAsSuccess, publishLoad, type Disruption } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'NATS cluster R3: rolling restart of the three nodes';
/** 1,600 deliveries over about 40 s, long enough for three restarts one after the other. */
const EVENTS = 800;
const RATE = EVENTS / 40;
const PATHS = ['/rolling/a', '/rolling/b'];
const ACK_WAIT_MS = 15_000;
/** A restart of a node repeats at most the work in flight on it and while streams re-elected leaders. */
const RESTART_WINDOW_MS = 10_000;

/** Every stream of the platform has its three copies current again, as an operator checks before the next node. */
async function allCopiesCurrent(jsm: JetStreamManager): Promise<boolean> {
  for (const stream of Object.values(StreamNames)) {
    const { cluster } = await jsm.streams.info(stream);
    if (!cluster?.leader || (cluster.replicas ?? []).filter((replica) => replica.current).length !== 2) return false;
  }
  return true;
}

describe('a 3-node NATS cluster restarted node by node under load', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('cluster-rolling', { natsCluster: true, extraEnv: { dispatcher: { DELIVERY_ACK_WAIT_MS: String(ACK_WAIT_MS) } } });
    await system.createWebhooks(PATHS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('loses no event', async () => {
    const cluster = system.cluster as NonNullable<FaultSystem['cluster']>;
    const jsm = await jetstreamManager(system.nc);
    const startedAt = Date.now();
    const loading = publishLoad(system, 'rolling', EVENTS, RATE);
    const disruptions: Disruption[] = [];
    await new Promise((done) => setTimeout(done, 4_000));
    for (const node of [0, 1, 2]) {
      const stoppedAt = Date.now();
      await cluster.stopNode(node, 'SIGTERM');
      await new Promise((done) => setTimeout(done, 2_000));
      await cluster.startNode(node);
      await eventually(() => allCopiesCurrent(jsm).catch(() => false), { timeoutMs: 60_000, intervalMs: 250 });
      disruptions.push({
        what: `node ${node + 1} restarted, every copy current after ${Date.now() - stoppedAt} ms`,
        from: stoppedAt,
        to: stoppedAt + RESTART_WINDOW_MS,
      });
    }
    const load = await loading;
    const result = await auditDeliveries(system, {
      scenario: SCENARIO,
      paths: PATHS,
      load,
      disruptions,
      deliveryTimeoutMs: ACK_WAIT_MS * 6,
      logTimeoutMs: 240_000,
    });
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectAllLoggedAsSuccess(result);
  });
});
