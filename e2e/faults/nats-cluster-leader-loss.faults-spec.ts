import { jetstreamManager } from '@nats-io/jetstream';
import { StreamNames } from '@wirehook/contracts';
import { eventually } from '@wirehook/testing';
import { auditDeliveries, expectAllLoggedAsSuccess, publishLoad } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'NATS cluster R3: delivery stream leader kill -9, kept down';
/** 2,000 deliveries over about 20 s. */
const EVENTS = 1_000;
const RATE = EVENTS / 20;
const PATHS = ['/leader/a', '/leader/b'];
const ACK_WAIT_MS = 15_000;
/** Work in flight when the leader died, and while the cluster elected a new one, may be repeated. */
const ELECTION_WINDOW_MS = 10_000;

describe('a 3-node NATS cluster losing the leader of the delivery stream for good', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('cluster-leader', { natsCluster: true, extraEnv: { dispatcher: { DELIVERY_ACK_WAIT_MS: String(ACK_WAIT_MS) } } });
    await system.createWebhooks(PATHS);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('loses no event and logs every delivery as a success', async () => {
    const cluster = system.cluster as NonNullable<FaultSystem['cluster']>;
    const jsm = await jetstreamManager(system.nc);
    const startedAt = Date.now();
    const loading = publishLoad(system, 'leader', EVENTS, RATE);
    await new Promise((done) => setTimeout(done, 6_000));
    const leader = (await jsm.streams.info(StreamNames.deliveries)).cluster?.leader as string;
    const killedAt = Date.now();
    await cluster.stopNode(cluster.indexOf(leader), 'SIGKILL');
    const newLeader = await eventually(
      async () => {
        const info = await jsm.streams.info(StreamNames.deliveries);
        return info.cluster?.leader && info.cluster.leader !== leader ? info.cluster.leader : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    report(SCENARIO, `killed ${leader} at ${Math.round((killedAt - startedAt) / 1000)} s; ${newLeader} leads after ${Date.now() - killedAt} ms`);
    const load = await loading;
    const result = await auditDeliveries(system, {
      scenario: SCENARIO,
      paths: PATHS,
      load,
      disruptions: [{ what: `leader ${leader} killed, new leader elected`, from: killedAt, to: killedAt + ELECTION_WINDOW_MS }],
      deliveryTimeoutMs: ACK_WAIT_MS * 6,
      logTimeoutMs: 240_000,
    });
    report(SCENARIO, `took ${Math.round((Date.now() - startedAt) / 1000)} s`);
    expectAllLoggedAsSuccess(result);
  });
});
