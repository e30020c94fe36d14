import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { MetricsRegistry } from '@wirehook/metrics';
import { SecretBox } from '@wirehook/secret-box';
import { encodeMessage, endpointConfigKey, tenantConfigKey, type EndpointSnapshotMessage } from '@wirehook/contracts';
import { DispatcherMetrics } from '../metrics/dispatcher.metrics';
import { EndpointDirectory } from './endpoint-directory.service';

const box = new SecretBox(Buffer.alloc(32, 7));

function snapshot(revision: number, changes: Partial<EndpointSnapshotMessage> = {}): EndpointSnapshotMessage {
  return {
    id: 'ep_0000000000000000000000a1',
    tenantId: 'acme',
    url: 'https://hooks.example.com/a',
    description: '',
    events: ['*'],
    active: true,
    secrets: [{ encrypted: box.encrypt('whsec_x') }],
    encryptedHeaders: {},
    timeoutMs: 10_000,
    maxConcurrency: 10,
    tenantField: 'tenantId',
    revision,
    updatedAt: new Date().toISOString(),
    ...changes,
  };
}

describe('EndpointDirectory (issue 12 item 1: a snapshot the dispatcher cannot apply is loud)', () => {
  const key = endpointConfigKey('acme', 'ep_0000000000000000000000a1');
  const put = (value: unknown) => ({ key, operation: 'PUT' as const, value: encodeMessage(value as object) });
  let errors: Array<{ fields: Record<string, unknown>; message: string }>;
  let registry: MetricsRegistry;
  let directory: EndpointDirectory;

  beforeEach(() => {
    errors = [];
    const logger = {
      error: (fields: Record<string, unknown>, message: string) => errors.push({ fields, message }),
      info: () => undefined,
    } as unknown as Logger;
    registry = new MetricsRegistry();
    directory = new EndpointDirectory({} as NatsConnection, logger, box, new DispatcherMetrics(registry));
    directory.apply({
      key: tenantConfigKey('acme'),
      operation: 'PUT',
      value: encodeMessage({ id: 'acme', name: 'Acme', revision: 1, updatedAt: new Date().toISOString() }),
    });
    directory.apply(put(snapshot(1)));
  });

  const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).split('\n').filter((line) => !line.startsWith('#'));

  it.each([
    ['a null description', { description: null }],
    ['a header the HTTP client refuses', { encryptedHeaders: { 'keep-alive': box.encrypt('x') } }],
    ['header auth without a header name', { auth: { type: 'header', encryptedValue: box.encrypt('x') } }],
    ['an unknown field', { retryPolicy: 'quick' }],
  ])('rejects %s with an error log, a metric and a readiness entry, and keeps the previous revision', async (_name, change) => {
    directory.apply(put({ ...snapshot(2), url: 'https://hooks.example.com/b', ...change }));

    expect(directory.get('acme', 'ep_0000000000000000000000a1')?.url).toBe('https://hooks.example.com/a');
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/rejected a configuration entry/), fields: expect.objectContaining({ key }) }),
    ]);
    expect(await metric('wirehook_config_entries_rejected_total')).toContain('wirehook_config_entries_rejected_total{kind="endpoint"} 1');
    expect(directory.rejectedEntries()).toEqual([expect.objectContaining({ key, problems: expect.any(Array) })]);

    // The next valid entry for the key clears the report.
    directory.apply(put(snapshot(3, { url: 'https://hooks.example.com/c' })));
    expect(directory.get('acme', 'ep_0000000000000000000000a1')?.url).toBe('https://hooks.example.com/c');
    expect(directory.rejectedEntries()).toEqual([]);
    expect(await metric('wirehook_config_entries_rejected')).toContain('wirehook_config_entries_rejected 0');
  });

  it('applies the snapshot config-api writes when a PATCH clears optional fields', () => {
    directory.apply(put(snapshot(2, { description: '', auth: undefined, encryptedHeaders: {}, rateLimitPerSecond: undefined, active: false })));
    expect(directory.rejectedEntries()).toEqual([]);
    expect(directory.get('acme', 'ep_0000000000000000000000a1')).toMatchObject({ revision: 2, active: false });
  });

  it('accepts X-Webhook-Secret as the auth header and a 4096-character Latin-1 custom header value', () => {
    const long = 'é'.repeat(4096);
    directory.apply(
      put(
        snapshot(2, {
          auth: { type: 'header', headerName: 'x-webhook-secret', encryptedValue: box.encrypt(long) },
          encryptedHeaders: { 'x-team': box.encrypt(long) },
        }),
      ),
    );
    expect(directory.rejectedEntries()).toEqual([]);
    expect(directory.get('acme', 'ep_0000000000000000000000a1')?.auth?.headerName).toBe('x-webhook-secret');
  });
});
