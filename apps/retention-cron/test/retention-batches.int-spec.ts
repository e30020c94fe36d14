import { startTestServers, type TestServers } from '@wirehook/testing';
import { clearCollections, expectedLogs, seedDeliveries, storedLogs, type SeedSpec } from './support/delivery-log-seed';
import { startReplica, type ObservedCommand, type RetentionReplica } from './support/retention-harness';

const BATCH_SIZE = 50;
const PAUSE_MS = 40;

/** The ids a `delete` command's statement selects with `$in`, or undefined when it has no `$in` bound. */
function boundOf(command: ObservedCommand): { collection: string; ids: number | undefined } {
  const deletes = command.command.deletes as Array<{ q: Record<string, { $in?: unknown[] } | undefined> }>;
  expect(deletes).toHaveLength(1);
  const filter = deletes[0].q;
  const bound = filter._id?.$in ?? filter.deliveryId?.$in;
  return { collection: command.command.delete as string, ids: bound?.length };
}

describe('retention deletes a large backlog in bounded batches', () => {
  let servers: TestServers;
  let replica: RetentionReplica;

  beforeAll(async () => {
    servers = await startTestServers('retention-batches');
    replica = await startReplica(servers.mongoUri, { RETENTION_BATCH_SIZE: String(BATCH_SIZE), RETENTION_BATCH_PAUSE_MS: String(PAUSE_MS) });
  });

  afterAll(async () => {
    await replica?.close();
    await servers?.stop();
  });

  beforeEach(async () => {
    await clearCollections(replica.logs, [replica.lease.leases]);
  });

  async function seedBacklog() {
    // Three or four deliveries share each instant, so pages of 50 split groups of equal times.
    const backlog: SeedSpec[] = Array.from({ length: 400 }, (_, index) => ({ tenantId: 'acme', status: 'success', ageDays: 31 + (index % 133) }));
    const fresh: SeedSpec[] = Array.from({ length: 30 }, () => ({ tenantId: 'acme', status: 'success', ageDays: 5 }));
    const seeded = await seedDeliveries(replica.logs, [...backlog, ...fresh]);
    return { kept: seeded.slice(400) };
  }

  it('deletes 400 expired deliveries in 8 batches of at most 50, pausing between batches', async () => {
    const { kept } = await seedBacklog();
    replica.commands.length = 0;
    const summary = await replica.runner.run({ dryRun: false, trigger: 'cli' });
    const sent = [...replica.commands];
    expect(summary).toMatchObject({ result: 'completed', batches: 8, deleted: { deliveries: 400, attempts: 800 } });
    expect(await storedLogs(replica.logs)).toEqual(expectedLogs(kept));

    // What reached MongoDB: every delete names its documents, at most a batch of them, never a collection-wide filter.
    const deletes = sent.filter((command) => command.name === 'delete' && command.command.delete !== 'retention_leases');
    const bounds = deletes.map(boundOf);
    expect(bounds.filter((bound) => bound.collection === 'deliveries').map((bound) => bound.ids)).toEqual(Array(8).fill(BATCH_SIZE));
    expect(bounds.filter((bound) => bound.collection === 'delivery_attempts').map((bound) => bound.ids)).toEqual(Array(8).fill(BATCH_SIZE));
    // Attempts go before their deliveries in every batch, so a crash never strands an attempt.
    expect(bounds.map((bound) => bound.collection)).toEqual(Array(8).fill(['delivery_attempts', 'deliveries']).flat());
    // Each selection reads at most a batch.
    const selections = sent.filter((command) => command.name === 'find' && command.command.find === 'deliveries');
    expect(selections.length).toBeGreaterThanOrEqual(8);
    expect(selections.every((command) => command.command.limit === BATCH_SIZE)).toBe(true);
    // Live traffic gets the pause between two batches.
    const deliveryDeletes = deletes.filter((command) => command.command.delete === 'deliveries');
    for (let index = 1; index < deliveryDeletes.length; index += 1) {
      expect(deliveryDeletes[index].at - deliveryDeletes[index - 1].at).toBeGreaterThanOrEqual(PAUSE_MS - 5);
    }
  });

  it('counts the same backlog in the same batches in a dry run, deleting nothing', async () => {
    await seedBacklog();
    const before = await storedLogs(replica.logs);
    replica.commands.length = 0;
    const summary = await replica.runner.run({ dryRun: true, trigger: 'cli' });
    expect(summary).toMatchObject({
      result: 'completed',
      dryRun: true,
      batches: 8,
      deleted: { deliveries: 400, attempts: 800 },
      tenants: { acme: { deliveries: 400, attempts: 800 } },
    });
    expect(replica.commands.filter((command) => command.name === 'delete')).toEqual([]);
    expect(await storedLogs(replica.logs)).toEqual(before);
  });
});
