import type { AttemptRecordedMessage, ListLogsRequestMessage } from '@wirehook/contracts';
import { buildAttemptRecord, logReads, unboundedParts } from '@wirehook/testing';
import { DELIVERY_ATTEMPTS_COLLECTION, MAX_LOOKUP_MATCHES, type AttemptRow, type LogListPage } from '../src';
import { startLogStore, type LogStore } from './support/log-store';

const BASE = Date.parse('2026-03-01T12:00:00Z');
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString();

/** Attempt records of distinct deliveries at the given second offsets. */
function attemptsAt(seconds: number[], overrides: Partial<AttemptRecordedMessage> = {}): AttemptRecordedMessage[] {
  return seconds.map((second) => buildAttemptRecord({ startedAt: at(second), deliveryCreatedAt: at(second), ...overrides }));
}

describe('delivery-log queries against a MongoDB-wire server', () => {
  let store: LogStore;
  const request = (overrides: Partial<ListLogsRequestMessage> = {}): ListLogsRequestMessage => ({
    tenantId: 'acme',
    view: 'attempts',
    page: 1,
    perPage: 10,
    sort: 'created_at',
    order: 'desc',
    ...overrides,
  });
  const list = (overrides: Partial<ListLogsRequestMessage> = {}) => store.logs.queries.list(request(overrides)) as Promise<LogListPage<AttemptRow>>;

  beforeAll(async () => {
    store = await startLogStore('delivery-log-queries');
  });

  afterAll(async () => {
    await store?.stop();
  });

  beforeEach(async () => {
    await store.clear();
  });

  it('walks a list with cursors without repeating or missing a row while attempts keep arriving', async () => {
    // Several attempts share an instant, so the cursor must tell them apart by id.
    const initial = attemptsAt(Array.from({ length: 45 }, (_, index) => 100 + Math.floor(index / 3)));
    await store.logs.recorder.record(initial);
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = await list({ perPage: 7, cursor });
      seen.push(...page.rows.map((row) => row._id));
      cursor = page.nextCursor ?? undefined;
      // Between two pages: newer attempts (above the walk) and older ones (still ahead of it).
      round += 1;
      await store.logs.recorder.record([...attemptsAt([1000 + round]), ...attemptsAt([10 + round])]);
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const initialIds = initial.map((record) => `${record.deliveryId}_1`);
    expect(seen.filter((id) => initialIds.includes(id)).sort()).toEqual([...initialIds].sort());
    // The older ones inserted ahead of the walk were reached by it too, in order.
    const times = await store.connection
      .collection(DELIVERY_ATTEMPTS_COLLECTION)
      .find({ _id: { $in: seen as never[] } }, { projection: { createdAt: 1 } })
      .toArray();
    const timeOf = new Map(times.map((row) => [String(row._id), (row.createdAt as Date).getTime()]));
    const walked = seen.map((id) => timeOf.get(id) ?? 0);
    expect(walked).toEqual([...walked].sort((a, b) => b - a));
  });

  it('counts totals exactly up to 10,000 and says so above it', async () => {
    const documents = Array.from({ length: 10_050 }, (_, index) => ({
      _id: `msg_${String(index).padStart(26, '0')}_1`,
      tenantId: 'acme',
      endpointId: 'ep_000000000000000000000001',
      status: index % 10 === 0 ? 'failed' : 'success',
      httpStatus: 200,
      eventType: 'bulk.item',
      createdAt: new Date(BASE + index),
    }));
    await store.connection.collection(DELIVERY_ATTEMPTS_COLLECTION).insertMany(documents as never[]);
    const capped = await list({ perPage: 100 });
    expect(capped.total).toEqual({ count: 10_000, exact: false });
    expect(capped.rows).toHaveLength(100);
    expect((await list({ status: ['failed'] })).total).toEqual({ count: 1005, exact: true });
    const counts = store.commands.filter((command) => command.name === 'aggregate' && command.collection === DELIVERY_ATTEMPTS_COLLECTION);
    expect(counts.length).toBeGreaterThan(0);
    for (const count of counts) expect(JSON.stringify(count.command.pipeline)).toContain('{"$limit":10001}');
  });

  it('finds attempts by search text: webhook ids from config-api, event types, event id, delivery id and identifier values', async () => {
    const billing = 'ep_000000000000000000000002';
    const records = [
      buildAttemptRecord({ eventType: 'invoice.paid', identifiers: { batchId: 'batch-42' }, eventId: 'evt_source_1' }),
      buildAttemptRecord({ eventType: 'invoice.failed', endpointId: billing }),
      buildAttemptRecord({ eventType: 'resume.parsed', identifiers: { batchId: 'batch-7' } }),
    ];
    await store.logs.recorder.record(records);
    const ids = async (overrides: Partial<ListLogsRequestMessage>) => (await list(overrides)).rows.map((row) => row.deliveryId).sort();
    expect(await ids({ q: 'batch-42' })).toEqual([records[0].deliveryId]);
    expect(await ids({ q: 'evt_source_1' })).toEqual([records[0].deliveryId]);
    expect(await ids({ q: records[2].deliveryId })).toEqual([records[2].deliveryId]);
    expect(await ids({ q: 'INVOICE' })).toEqual([records[0].deliveryId, records[1].deliveryId].sort());
    expect(await ids({ q: 'anything', qWebhookIds: [billing] })).toEqual([records[1].deliveryId]);
    expect(await ids({ q: 'invoice', webhookId: billing })).toEqual([records[1].deliveryId]);
    expect(await ids({ q: 'batch-4' })).toEqual([]);
    expect(await ids({ q: 'batch-42', tenantId: 'globex' })).toEqual([]);
    expect((await store.logs.queries.list(request({ view: 'deliveries', q: 'batch-42' }))).rows.map((row) => row._id)).toEqual([records[0].deliveryId]);
  });

  it('refuses an exact value many attempts share together with other filters, rather than reading through its matches', async () => {
    const shared = attemptsAt(
      Array.from({ length: MAX_LOOKUP_MATCHES + 1 }, (_, index) => index),
      { identifiers: { batchId: 'batch-big' } },
    );
    await store.logs.recorder.record(shared);
    await store.logs.recorder.record(attemptsAt([5000], { identifiers: { batchId: 'batch-small' }, status: 'failed' }));
    // Alone, a value is read in time order on its index, a page at a time.
    expect((await list({ q: 'batch-big' })).rows).toHaveLength(10);
    await expect(list({ q: 'batch-big', status: ['failed'] })).rejects.toMatchObject({ parameter: 'q' });
    await expect(list({ q: 'batch-big', sort: 'status', order: 'asc' })).rejects.toMatchObject({ parameter: 'q' });
    expect((await list({ q: 'batch-small', status: ['failed'] })).rows).toHaveLength(1);
  });

  it('sends every log query with the tenant first, a declared index, a time limit and a limit; no regex, no deep skip', async () => {
    await store.logs.recorder.record([
      ...attemptsAt([1, 2, 3], { identifiers: { batchId: 'batch-42' } }),
      ...attemptsAt([4, 5], { status: 'failed', eventType: 'resume.failed' }),
    ]);
    const webhook = 'ep_000000000000000000000001';
    const shapes: Array<Partial<ListLogsRequestMessage>> = [
      {},
      { view: 'deliveries' },
      { webhookId: webhook },
      { webhookId: webhook, status: ['failed'], sort: 'status', order: 'asc' },
      { webhookId: webhook, event: 'resume.' },
      { status: ['failed', 'retrying'] },
      { statusClass: '5xx' },
      { sort: 'http_status', order: 'desc' },
      { event: 'resume.*', from: at(0), to: at(10) },
      { q: 'batch-42' },
      { q: 'resume', qWebhookIds: [webhook] },
      { page: 3, perPage: 2 },
      { view: 'deliveries', q: 'resume', status: ['failed'] },
    ];
    for (const shape of shapes) {
      // The first page, then the page its cursor opens.
      const first = await store.logs.queries.list(request({ perPage: 2, ...shape }));
      store.commands.length = 0;
      if (first.nextCursor) await store.logs.queries.list(request({ perPage: 2, ...shape, page: 1, cursor: first.nextCursor }));
      else await store.logs.queries.list(request({ perPage: 2, ...shape }));
      const reads = logReads(store.commands);
      expect({ shape, reads: reads.length > 0 }).toEqual({ shape, reads: true });
      for (const read of reads)
        expect({ shape, collection: read.collection, problems: unboundedParts(read) }).toEqual({ shape, collection: read.collection, problems: [] });
    }
  });
});
