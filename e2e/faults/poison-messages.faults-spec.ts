import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ConsumerNames, DeadLetterSubjects, StreamNames } from '@wirehook/contracts';
import { eventually } from '@wirehook/testing';
import { LOAD_EVENT, auditDeliveries, expectNoLoss, publishLoad } from './support/delivery-audit';
import { FaultSystem, report } from './support/fault-system';

const SCENARIO = 'poison messages in valid traffic';
const VALID_EVENTS = 300;
const EACH_POISON = 8;

describe('poison messages mixed into valid traffic', () => {
  let system: FaultSystem;

  beforeAll(async () => {
    system = await FaultSystem.start('poison');
    await system.createWebhooks(['/poison/a']);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('dead-letters every poison message once, and delivers every valid event', async () => {
    const js = jetstream(system.nc);
    const tenant = system.tenantId;
    const poisons: Array<{ reason: string; publish: (n: number) => Promise<unknown> }> = [
      { reason: 'malformed_json', publish: () => js.publish(`webhooks.events.${tenant}.${LOAD_EVENT}`, '{not json') },
      {
        reason: 'invalid_fields',
        publish: (n) =>
          js.publish(`webhooks.events.${tenant}.${LOAD_EVENT}`, JSON.stringify({ id: `bad-fields-${n}`, event: LOAD_EVENT, data: 'not an object' })),
      },
      {
        reason: 'invalid_fields',
        publish: (n) => js.publish(`webhooks.events.${tenant}.${LOAD_EVENT}`, JSON.stringify({ id: `mismatch-${n}`, event: 'other.type', data: {} })),
      },
      {
        reason: 'unknown_tenant',
        publish: (n) => js.publish(`webhooks.events.ghost.${LOAD_EVENT}`, JSON.stringify({ id: `ghost-${n}`, event: LOAD_EVENT, data: {} })),
      },
      {
        reason: 'invalid_subject',
        publish: (n) => js.publish(`webhooks.events.Not_A_Tenant!${n}.${LOAD_EVENT}`, JSON.stringify({ event: LOAD_EVENT, data: {} })),
      },
      {
        reason: 'payload_too_large',
        publish: (n) =>
          js.publish(`webhooks.events.${tenant}.${LOAD_EVENT}`, JSON.stringify({ id: `huge-${n}`, event: LOAD_EVENT, data: { blob: 'x'.repeat(300 * 1024) } })),
      },
      { reason: 'malformed_json', publish: () => js.publish(`webhooks.deliveries.v1.${tenant}.ep_poison`, 'not a delivery task') },
    ];
    const loading = publishLoad(system, 'poison', VALID_EVENTS, 50);
    for (let round = 0; round < EACH_POISON; round += 1) {
      for (const poison of poisons) await poison.publish(round);
      await new Promise((done) => setTimeout(done, 600));
    }
    const load = await loading;
    const expectedDeadLetters = poisons.length * EACH_POISON;

    const jsm = await jetstreamManager(system.nc);
    const deadLetterCount = await eventually(
      async () => {
        const count = (await jsm.streams.info(StreamNames.deadLetters)).state.messages;
        return count >= expectedDeadLetters ? count : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const reasons = new Map<string, number>();
    for (let seq = 1; seq <= deadLetterCount; seq += 1) {
      const message = await jsm.streams.getMessage(StreamNames.deadLetters, { seq });
      if (!message) continue;
      const reason = message.subject.slice(DeadLetterSubjects.prefix.length + 1);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const result = await auditDeliveries(system, { scenario: SCENARIO, paths: ['/poison/a'], load, deliveryTimeoutMs: 60_000, logTimeoutMs: 120_000 });
    const consumers = async () => ({
      fanOut: await jsm.consumers.info(StreamNames.events, ConsumerNames.fanOut),
      deliveries: await jsm.consumers.info(StreamNames.deliveries, ConsumerNames.deliveries),
    });
    // Messages handed out and never settled (a `term` the server ignored) stay ack-pending.
    const stuck = async () => {
      const { fanOut, deliveries } = await consumers();
      return fanOut.num_pending + fanOut.num_ack_pending + deliveries.num_pending + deliveries.num_ack_pending;
    };
    await eventually(async () => (await stuck()) === 0, { timeoutMs: 15_000, intervalMs: 250 }).catch(() => undefined);
    const { fanOut, deliveries } = await consumers();
    report(
      SCENARIO,
      `${expectedDeadLetters} poison messages published, ${deadLetterCount} dead letters: ${[...reasons].map(([reason, count]) => `${reason} ${count}`).join(', ')}`,
    );
    report(
      SCENARIO,
      `left unsettled: fan-out ${fanOut.num_ack_pending} ack-pending (${fanOut.num_redelivered} redelivered), ${fanOut.num_pending} pending; deliveries ${deliveries.num_ack_pending} ack-pending, ${deliveries.num_pending} pending`,
    );

    const expectedReasons = new Map<string, number>();
    for (const poison of poisons) expectedReasons.set(poison.reason, (expectedReasons.get(poison.reason) ?? 0) + EACH_POISON);
    expect(Object.fromEntries(reasons)).toEqual(Object.fromEntries(expectedReasons));
    expect(await stuck()).toBe(0);
    expectNoLoss(result);
    expect(result.duplicates).toBe(0);
  });
});
