import type { Connection } from 'mongoose';
import { connectMongo, migrateIndexes } from '@wirehook/mongo';
import { LOG_REPLY_BUDGET_BYTES, type AttemptLogRecord, type AttemptRecordedMessage } from '@wirehook/contracts';
import { DELIVERY_LOG_COLLECTIONS, DeliveryLogs } from '@wirehook/delivery-logs';
import { buildAttemptRecord, logReads, recordCommands, startTestServers, unboundedParts, type SentCommand, type TestServers } from '@wirehook/testing';
import { LogsHandler } from '../src/logs/logs.handler';

/** The NATS server's default max payload: no reply may exceed it. */
const NATS_MAX_PAYLOAD = 1024 * 1024;
const PAYLOAD_CHARS = 256 * 1024;
const replySize = (reply: unknown) => Buffer.byteLength(JSON.stringify(reply));

/** A JSON body of about `size` characters whose text escapes badly (quotes and backslashes). */
function largeBody(label: string, size: number): string {
  return JSON.stringify({ event: 'resume.parsed', data: { label, text: `"\\${label}`.repeat(Math.ceil(size / (label.length + 2))).slice(0, size - 100) } });
}

describe('log-service replies stay within the NATS payload, and every query it sends is bounded', () => {
  let servers: TestServers;
  let connection: Connection;
  let commands: SentCommand[];
  let handler: LogsHandler;
  let records: AttemptRecordedMessage[];

  beforeAll(async () => {
    servers = await startTestServers('log-service-replies');
    connection = await connectMongo(servers.mongoUri, '1', { monitorCommands: true });
    await migrateIndexes(connection, DELIVERY_LOG_COLLECTIONS);
    commands = recordCommands(connection);
    const logs = new DeliveryLogs(connection, { maxTimeMs: 3000 });
    handler = new LogsHandler(logs);
    records = Array.from({ length: 100 }, (_, index) => {
      const body = largeBody(`row-${index}`, PAYLOAD_CHARS);
      return buildAttemptRecord({
        status: 'failed',
        endpointId: 'ep_000000000000000000000001',
        request: { method: 'POST', url: 'https://crm.example.com/hooks', headers: { 'content-type': 'application/json' }, body },
        // Control characters sextuple in JSON: the worst text a response can hold.
        response: {
          status: 500,
          headers: { 'content-type': 'text/plain', 'x-trace': 'y'.repeat(4000) },
          body: '\u0001'.repeat(64 * 1024),
          bodyTruncated: true,
        },
        error: { code: 'http_status', message: 'the endpoint answered HTTP 500' },
      });
    });
    for (let start = 0; start < records.length; start += 25) await logs.recorder.record(records.slice(start, start + 25));
  });

  afterAll(async () => {
    await connection?.close();
    await servers?.stop();
  });

  beforeEach(() => {
    commands.length = 0;
  });

  afterEach(() => {
    const reads = logReads(commands);
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads)
      expect({ collection: read.collection, command: read.name, problems: unboundedParts(read) }).toEqual({
        collection: read.collection,
        command: read.name,
        problems: [],
      });
  });

  it('answers a page of 100 attempts with 256 KB payloads within the budget, previews flagged as cut', async () => {
    const page = await handler.list({ tenantId: 'acme', view: 'attempts', page: 1, perPage: 100, sort: 'created_at', order: 'desc' });
    expect(page.rows).toHaveLength(100);
    expect(replySize(page)).toBeLessThanOrEqual(LOG_REPLY_BUDGET_BYTES);
    const row = page.rows[0] as AttemptLogRecord;
    expect(row).toMatchObject({ payloadPreview: { cut: true }, response: { bodyPreview: { cut: true }, headersCut: true } });
    expect(records.some((record) => record.request.body.startsWith(row.payloadPreview.text))).toBe(true);
  });

  it('gives an attempt in full: bodies too large for one reply come in chunks that put them back exactly', async () => {
    const record = records[42];
    const detail = await handler.get({ tenantId: 'acme', id: `${record.deliveryId}_1` });
    expect(replySize(detail)).toBeLessThan(NATS_MAX_PAYLOAD);
    expect(detail.request.body).toEqual({ text: null, length: record.request.body.length });
    for (const [part, expected] of [
      ['request', record.request.body],
      ['response', record.response?.body ?? ''],
    ] as const) {
      let text = '';
      while (text.length < expected.length) {
        const chunk = await handler.body({ tenantId: 'acme', attemptId: `${record.deliveryId}_1`, part, offset: text.length });
        expect(replySize(chunk)).toBeLessThan(NATS_MAX_PAYLOAD);
        text += chunk.text;
      }
      expect(text).toBe(expected);
    }
    await expect(handler.body({ tenantId: 'globex', attemptId: `${record.deliveryId}_1`, part: 'request', offset: 0 })).rejects.toMatchObject({
      error: { code: 'not_found' },
    });
  });

  it('exports every attempt in pages that each fit one reply', async () => {
    const byAttemptId = new Map(records.map((record) => [`${record.deliveryId}_1`, record]));
    const seen = new Set<string>();
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await handler.exportPage({ tenantId: 'acme', limit: 100, after });
      expect(replySize(page)).toBeLessThanOrEqual(LOG_REPLY_BUDGET_BYTES);
      page.rows.forEach((row) => seen.add(row.attempt.id));
      for (const row of page.rows) {
        const record = byAttemptId.get(row.attempt.id);
        expect(row.requestBody.length).toBe(record?.request.body.length);
        if (row.requestBody.text !== null) expect(row.requestBody.text).toBe(record?.request.body);
      }
      after = page.next ?? undefined;
      pages += 1;
    } while (after && pages < 200);
    expect(seen.size).toBe(100);
    expect(pages).toBeGreaterThan(1);
  });

  it('hands recover its failed deliveries with whole bodies, in pages that each fit one reply', async () => {
    const bodies: string[] = [];
    let after: string | undefined;
    do {
      const page = await handler.failedDeliveries({
        tenantId: 'acme',
        webhookId: 'ep_000000000000000000000001',
        from: '2026-01-01T00:00:00Z',
        to: '2027-01-01T00:00:00Z',
        limit: 1001,
        after,
      });
      expect(replySize(page)).toBeLessThan(NATS_MAX_PAYLOAD);
      bodies.push(...page.deliveries.map((delivery) => delivery.body));
      after = page.next ?? undefined;
    } while (after);
    expect(bodies.sort()).toEqual(records.map((record) => record.request.body).sort());
  });

  it('answers statistics from the rollups', async () => {
    const stats = await handler.stats({ tenantId: 'acme', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' });
    expect(stats).toMatchObject({ attempts: 100, byStatus: { failed: 100 } });
    expect(stats.byStatusClass['5xx']).toBe(100);
    expect(commands.some((command) => command.collection === 'delivery_attempts')).toBe(false);
  });
});
